# An upload like the ones in the seeds: one function, a list in, a float out.
import statistics


def score(values):
    """Mean of the values, penalised by their spread."""
    return statistics.mean(values) - 0.5 * statistics.pstdev(values)
