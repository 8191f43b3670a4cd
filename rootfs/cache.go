package rootfs

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// planFormat versions the cache file and the plan-building rules: bump it
// whenever buildPlan would answer differently for the same host, so old
// entries are rebuilt rather than trusted.
const planFormat = 1

// maxCacheFile bounds what a cache hit reads; real entries are ~10-20 KB.
const maxCacheFile = 4 << 20

// cacheFile is one cached plan. Stamps[0] is the interpreter binary (the
// key: path, size, mtime, ctime, inode); the rest are every host path the
// plan was derived from, each checked with one lstat on a hit.
type cacheFile struct {
	Format int     `json:"format"`
	Python string  `json:"python"` // the path PlanFor was asked for
	Stamps []stamp `json:"stamps"`
	Plan   Plan    `json:"plan"`
}

// PlanFor returns the plan for a resolved interpreter, from the cache when
// the cache entry is still valid.
//
// The cache lives in $XDG_CACHE_HOME/jailpy, else $HOME/.cache/jailpy (so
// /root/.cache/jailpy for root), else $TMPDIR/jailpy-UID, created 0700.
// A plan decides which host paths get mounted into the jail, so a cache
// directory or file that
// another user could write is an escape: unless both are owned by the
// effective uid and not writable by group or others, the cache is ignored
// and the plan computed every time (one interpreter probe, ~20-50 ms).
func PlanFor(python string) (*Plan, error) {
	abs, err := filepath.Abs(python)
	if err != nil {
		return nil, fmt.Errorf("rootfs: plan %s: %w", python, err)
	}
	c := openCache()
	if c != nil {
		defer c.Close()
		if p := loadPlan(c, cacheName(abs), abs); p != nil {
			return p, nil
		}
	}
	// An interpreter upgraded while the plan is built would leave a plan
	// of the old one under stamps of the new one: compare before and after.
	real, _ := filepath.EvalSymlinks(abs)
	key := stampOf(real)
	p, inputs, err := buildPlan(abs, nil)
	if err != nil {
		return nil, err
	}
	if c != nil && real == p.Python && stampOf(real) == key {
		// A cache that cannot be written costs time, not correctness.
		_ = storePlan(c, cacheName(abs), abs, p, inputs)
	}
	return p, nil
}

// openCache opens the cache directory, or returns nil when there is none
// that can be trusted. The checks are made on the opened directory, not
// its path, so a rename after the check cannot substitute another one.
func openCache() *os.Root {
	r, _, _ := openCacheDir()
	return r
}

// openCacheDir is openCache, and the directory's path. A service user
// often has no home it can write (www-data's is /var/www, owned by root),
// so when the user cache directory cannot be used the cache falls back to
// $TMPDIR/jailpy-UID, under the same checks: a directory someone else
// made there first is not ours, and is not used. fallback says which.
func openCacheDir() (r *os.Root, dir string, fallback bool) {
	if base, err := os.UserCacheDir(); err == nil && filepath.IsAbs(base) {
		dir := filepath.Join(base, "jailpy")
		if r := openTrusted(dir, false); r != nil {
			return r, dir, false
		}
	}
	if dir := fallbackCacheDir(); dir != "" {
		// In a shared directory the name is anyone's to take: a symlink
		// there is someone else's, not ours to follow.
		if r := openTrusted(dir, true); r != nil {
			return r, dir, true
		}
	}
	return nil, "", false
}

// fallbackCacheDir is $TMPDIR/jailpy-UID, or "" when TMPDIR is relative
// (it would land in the caller's working directory).
func fallbackCacheDir() string {
	tmp := os.TempDir()
	if !filepath.IsAbs(tmp) {
		return ""
	}
	return filepath.Join(tmp, fmt.Sprintf("jailpy-%d", os.Geteuid()))
}

// CacheDir is the cache directory runs use, or "" when no directory can
// be trusted (runs then work without a cache, and a policy's run fails);
// fallback says it is the $TMPDIR one.
func CacheDir() (dir string, fallback bool) {
	r, dir, fallback := openCacheDir()
	if r != nil {
		r.Close()
	}
	return dir, fallback
}

// openTrusted opens dir, made 0700 if missing, when only we can write it.
func openTrusted(dir string, noSymlink bool) *os.Root {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil
	}
	if noSymlink {
		if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
			return nil
		}
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil
	}
	fi, err := r.Stat(".")
	if err != nil || trusted(fi) != nil {
		r.Close()
		return nil
	}
	return r
}

// realDir is the real path of the directory r opened at dir, checked to
// be that directory. Only what is bound from the cache needs it (bind
// sources are opened without following symlinks, and a home may be one),
// so the lookups stay off every other run's path.
func realDir(r *os.Root, dir string) (string, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	fi, err := r.Stat(".")
	if err != nil {
		return "", err
	}
	if rfi, err := os.Stat(real); err != nil || !os.SameFile(fi, rfi) {
		return "", fmt.Errorf("rootfs: cache %s moved while in use", dir)
	}
	return real, nil
}

func cacheName(python string) string {
	sum := sha256.Sum256([]byte(python))
	return fmt.Sprintf("plan-%x.json", sum[:12])
}

// readTrusted reads the cache file name, if it is a regular file only we
// could have written, of at most max bytes.
func readTrusted(c *os.Root, name string, max int64) []byte {
	f, err := c.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || trusted(fi) != nil || fi.Size() > max {
		return nil
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil
	}
	return data
}

// loadPlan returns the cached plan name for python if every stamp still
// holds.
func loadPlan(c *os.Root, name, python string) *Plan {
	data := readTrusted(c, name, maxCacheFile)
	if data == nil {
		return nil
	}
	var cf cacheFile
	if json.Unmarshal(data, &cf) != nil || cf.Format != planFormat || cf.Python != python || len(cf.Stamps) == 0 {
		return nil
	}
	for _, s := range cf.Stamps {
		if stampOf(s.Path) != s {
			return nil
		}
	}
	if cf.Plan.validate() != nil {
		return nil
	}
	return &cf.Plan
}

// storePlan writes the cache entry atomically: readers see the old file or
// the new one, never a torn one. There is no fsync: a file lost or emptied
// by a crash fails to parse and is rebuilt.
func storePlan(c *os.Root, name, python string, p *Plan, inputs []string) error {
	cf := cacheFile{Format: planFormat, Python: python, Stamps: []stamp{stampOf(python)}}
	for _, in := range inputs {
		if in != python {
			cf.Stamps = append(cf.Stamps, stampOf(in))
		}
	}
	cf.Plan = *p
	data, err := json.Marshal(&cf)
	if err != nil {
		return err
	}
	return writeAtomic(c, name, data)
}

// writeAtomic writes a cache file so that readers see the old file or the
// new one, never a torn one.
func writeAtomic(c *os.Root, name string, data []byte) error {
	tmp := fmt.Sprintf(".%s.%d.%d.tmp", name, os.Getpid(), time.Now().UnixNano())
	f, err := c.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = c.Rename(tmp, name)
	}
	if err != nil {
		_ = c.Remove(tmp)
	}
	return err
}

// Cached returns the cache entry name (see PlanFor for where the cache is
// and when it is trusted), or nil. Entries other than plans carry their
// own check of what they hold.
func Cached(name string, max int64) []byte {
	c := openCache()
	if c == nil {
		return nil
	}
	defer c.Close()
	return readTrusted(c, name, max)
}

// Cache stores data as the cache entry name, atomically. A cache that
// cannot be written costs time, not correctness: callers may ignore the
// error.
func Cache(name string, data []byte) error {
	c := openCache()
	if c == nil {
		return fmt.Errorf("rootfs: no cache directory that can be trusted")
	}
	defer c.Close()
	return writeAtomic(c, name, data)
}

// Identity is a string that changes whenever the file at path is
// replaced or changed (type, size, mtime, ctime, inode): part of a cache
// key for what was derived from it.
func Identity(path string) string {
	return fmt.Sprintf("%+v", stampOf(path))
}
