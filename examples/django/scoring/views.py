"""Score the site's lists with an uploaded function, in jailpy's jail.

The upload runs once per list in a single jail (jailpy's batch mode): no
code of it ever runs in this process, and whatever it does, the page says
precisely what happened: the scores, the exception and its line, the
import the policy refused, the time limit, the system call that was stopped.
"""

import logging
import numbers
from typing import Any, Dict, List, Optional

import jailpy_client
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from jailpy_client import (Crash, JailError, JailpyError, MemoryLimit, NotRun, OutputLimit,
                           PolicyRejected, Result, Timeout, UserCodeError, Violation)

from .forms import UploadForm
from .lists import SITE_LISTS

log = logging.getLogger(__name__)

#: The function an upload must define.
FUNC = "score"
#: Request bodies over this are refused unread (the form's limit plus room
#: for the multipart framing); the front server should refuse them first.
MAX_BODY_BYTES = settings.SCORING_MAX_UPLOAD_BYTES + 16 * 1024


def score_page(request: HttpRequest) -> HttpResponse:
    """GET: the form and the lists. POST: the same, scored by the upload."""
    context: Dict[str, Any] = {"func": FUNC, "limit": settings.SCORING_MAX_UPLOAD_BYTES,
                               "lists": SITE_LISTS}
    status = 200
    if request.method != "POST":
        context["form"] = UploadForm()
    elif int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        context["form"] = UploadForm()
        context["refused"] = "The upload is too large (at most %d bytes)." % settings.SCORING_MAX_UPLOAD_BYTES
        status = 413
    else:
        form = context["form"] = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            outcome = score_upload(form.cleaned_data["code"])
            context.update(outcome)
            status = 503 if outcome.get("unavailable") else 200
        else:
            status = 400
    return render(request, "scoring/score.html", context, status=status)


def score_upload(source: str) -> Dict[str, Any]:
    """The template's view of one upload scored against every list."""
    calls = [(values,) for values in SITE_LISTS.values()]
    try:
        results = jailpy_client.run_batch(source, FUNC, calls, binary=settings.JAILPY_BINARY,
                                          **settings.JAILPY_OPTIONS)
    except JailError:
        # The host's problem, not the upload's: log it, do not show it.
        log.exception("jailpy could not score an upload")
        return {"unavailable": True}
    except JailpyError as e:
        # Code a call left running misbehaved after the last list: the
        # scores came from an upload that tried something, so none are used.
        return {"upload_error": describe(e)}
    rows = [row(name, values, r) for (name, values), r in zip(SITE_LISTS.items(), results)]
    failures = {r["error"]["text"] for r in rows if r["error"]}
    if len(failures) == 1 and all(r["error"] for r in rows):
        # The same failure for every list (a policy rejection, a SyntaxError,
        # a missing function): say it once, above the table.
        return {"upload_error": rows[0]["error"], "rows": rows}
    return {"rows": rows}


def row(name: str, values: List[float], result: Result) -> Dict[str, Any]:
    """One line of the table: the list, and its score or what went wrong."""
    error: Optional[Dict[str, Any]] = None
    if not result.ok:
        assert result.error is not None
        error = describe(result.error)
    elif not isinstance(result.value, numbers.Real) or isinstance(result.value, bool):
        kind = type(result.value).__name__
        error = {"kind": "error", "text": "%s() returned %s, not a number" % (FUNC, kind)}
    return {"name": name, "values": values, "score": result.value if error is None else None, "error": error}


def describe(e: JailpyError) -> Dict[str, Any]:
    """An exception in words for the page: ``text``, and ``line`` or
    ``findings`` when the upload's own code is to blame."""
    if isinstance(e, UserCodeError):
        return {"kind": "error", "text": "%s: %s" % (e.type, e.message), "line": e.line}
    if isinstance(e, PolicyRejected):
        return {"kind": "policy", "text": "Rejected before it ran: it uses what a scoring function may not.",
                "findings": e.findings}
    if isinstance(e, Timeout):
        # wall and cpu alike: a busy loop meets both at once (cpu_time
        # defaults to the timeout), and either is the same news.
        limit = "the time for all the lists" if e.limit == "batch" else "its time limit"
        return {"kind": "timeout", "text": "Stopped: it took longer than %s." % limit}
    if isinstance(e, MemoryLimit):
        return {"kind": "memory", "text": "Stopped: it used more memory than allowed."}
    if isinstance(e, OutputLimit):
        what = "a result that large" if e.stream == "result" else "that much on " + e.stream
        return {"kind": "output", "text": "Stopped: it produced %s." % what}
    if isinstance(e, Violation):
        return {"kind": "violation", "text": "Stopped: it tried something a scoring function may not do "
                                             "(system call %s)." % e.syscall}
    if isinstance(e, Crash):
        return {"kind": "crash", "text": "It crashed (%s)." % e.signal}
    if isinstance(e, NotRun):
        return {"kind": "not_run", "text": "Not scored: the run was stopped before this list."}
    return {"kind": "internal", "text": "It could not be scored."}
