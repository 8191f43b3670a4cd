"""The site's own data: the lists every upload is asked to score."""

from typing import Dict, List

#: Name shown on the page, then the numbers given to score(values).
SITE_LISTS: Dict[str, List[float]] = {
    "Temperatures this week (°C)": [14.5, 16.0, 15.2, 18.9, 21.3, 19.8, 17.1],
    "Rainfall (mm)": [0, 0, 12.5, 3.2, 0, 0.4, 8.8],
    "Daily visitors": [120, 98, 143, 170, 155, 201, 188],
    # A real data set has gaps: an upload should cope with no data.
    "Sensor offline": [],
}
