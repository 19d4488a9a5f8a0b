"""The platform's location header (openai-subdivision-1-iso-code) -> the region's capital, with coordinates.

Coordinates are stored so a header-only ask needs no geocoding call. Regions not listed here get a 400 that
asks for a place; add a line to extend the table.
"""

import re

from .providers import Place

HEADER = "openai-subdivision-1-iso-code"
CODE_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")

# ISO 3166-2 code | capital | region | latitude | longitude
TABLE = """
US-AL|Montgomery|Alabama|32.38|-86.30
US-AK|Juneau|Alaska|58.30|-134.42
US-AZ|Phoenix|Arizona|33.45|-112.07
US-AR|Little Rock|Arkansas|34.75|-92.29
US-CA|Sacramento|California|38.58|-121.49
US-CO|Denver|Colorado|39.74|-104.99
US-CT|Hartford|Connecticut|41.76|-72.69
US-DE|Dover|Delaware|39.16|-75.52
US-DC|Washington|District of Columbia|38.90|-77.04
US-FL|Tallahassee|Florida|30.44|-84.28
US-GA|Atlanta|Georgia|33.75|-84.39
US-HI|Honolulu|Hawaii|21.31|-157.86
US-ID|Boise|Idaho|43.62|-116.20
US-IL|Springfield|Illinois|39.80|-89.64
US-IN|Indianapolis|Indiana|39.77|-86.16
US-IA|Des Moines|Iowa|41.59|-93.62
US-KS|Topeka|Kansas|39.05|-95.68
US-KY|Frankfort|Kentucky|38.20|-84.87
US-LA|Baton Rouge|Louisiana|30.45|-91.19
US-ME|Augusta|Maine|44.31|-69.78
US-MD|Annapolis|Maryland|38.98|-76.49
US-MA|Boston|Massachusetts|42.36|-71.06
US-MI|Lansing|Michigan|42.73|-84.56
US-MN|Saint Paul|Minnesota|44.95|-93.09
US-MS|Jackson|Mississippi|32.30|-90.18
US-MO|Jefferson City|Missouri|38.58|-92.17
US-MT|Helena|Montana|46.59|-112.04
US-NE|Lincoln|Nebraska|40.81|-96.70
US-NV|Carson City|Nevada|39.16|-119.77
US-NH|Concord|New Hampshire|43.21|-71.54
US-NJ|Trenton|New Jersey|40.22|-74.76
US-NM|Santa Fe|New Mexico|35.69|-105.94
US-NY|Albany|New York|42.65|-73.76
US-NC|Raleigh|North Carolina|35.78|-78.64
US-ND|Bismarck|North Dakota|46.81|-100.78
US-OH|Columbus|Ohio|39.96|-83.00
US-OK|Oklahoma City|Oklahoma|35.47|-97.52
US-OR|Salem|Oregon|44.94|-123.04
US-PA|Harrisburg|Pennsylvania|40.27|-76.88
US-RI|Providence|Rhode Island|41.82|-71.41
US-SC|Columbia|South Carolina|34.00|-81.03
US-SD|Pierre|South Dakota|44.37|-100.35
US-TN|Nashville|Tennessee|36.16|-86.78
US-TX|Austin|Texas|30.27|-97.74
US-UT|Salt Lake City|Utah|40.76|-111.89
US-VT|Montpelier|Vermont|44.26|-72.58
US-VA|Richmond|Virginia|37.54|-77.44
US-WA|Olympia|Washington|47.04|-122.90
US-WV|Charleston|West Virginia|38.35|-81.63
US-WI|Madison|Wisconsin|43.07|-89.40
US-WY|Cheyenne|Wyoming|41.14|-104.82
CA-AB|Edmonton|Alberta|53.55|-113.49
CA-BC|Victoria|British Columbia|48.43|-123.37
CA-MB|Winnipeg|Manitoba|49.90|-97.14
CA-NB|Fredericton|New Brunswick|45.96|-66.64
CA-NL|St. John's|Newfoundland and Labrador|47.56|-52.71
CA-NS|Halifax|Nova Scotia|44.65|-63.58
CA-NT|Yellowknife|Northwest Territories|62.45|-114.37
CA-NU|Iqaluit|Nunavut|63.75|-68.52
CA-ON|Toronto|Ontario|43.65|-79.38
CA-PE|Charlottetown|Prince Edward Island|46.24|-63.13
CA-QC|Quebec City|Quebec|46.81|-71.21
CA-SK|Regina|Saskatchewan|50.45|-104.61
CA-YT|Whitehorse|Yukon|60.72|-135.06
AU-NSW|Sydney|New South Wales|-33.87|151.21
AU-VIC|Melbourne|Victoria|-37.81|144.96
AU-QLD|Brisbane|Queensland|-27.47|153.03
AU-WA|Perth|Western Australia|-31.95|115.86
AU-SA|Adelaide|South Australia|-34.93|138.60
AU-TAS|Hobart|Tasmania|-42.88|147.33
AU-ACT|Canberra|Australian Capital Territory|-35.28|149.13
AU-NT|Darwin|Northern Territory|-12.46|130.84
GB-ENG|London|England|51.51|-0.13
GB-SCT|Edinburgh|Scotland|55.95|-3.19
GB-WLS|Cardiff|Wales|51.48|-3.18
GB-NIR|Belfast|Northern Ireland|54.60|-5.93
DE-BW|Stuttgart|Baden-Württemberg|48.78|9.18
DE-BY|Munich|Bavaria|48.14|11.58
DE-BE|Berlin|Berlin|52.52|13.40
DE-BB|Potsdam|Brandenburg|52.39|13.07
DE-HB|Bremen|Bremen|53.08|8.80
DE-HH|Hamburg|Hamburg|53.55|9.99
DE-HE|Wiesbaden|Hesse|50.08|8.24
DE-MV|Schwerin|Mecklenburg-Vorpommern|53.63|11.41
DE-NI|Hanover|Lower Saxony|52.37|9.74
DE-NW|Düsseldorf|North Rhine-Westphalia|51.23|6.77
DE-RP|Mainz|Rhineland-Palatinate|50.00|8.27
DE-SL|Saarbrücken|Saarland|49.24|6.99
DE-SN|Dresden|Saxony|51.05|13.74
DE-ST|Magdeburg|Saxony-Anhalt|52.13|11.63
DE-SH|Kiel|Schleswig-Holstein|54.32|10.12
DE-TH|Erfurt|Thuringia|50.98|11.03
"""


def region_code(request) -> str | None:
    """Return the request's well-formed ISO 3166-2 region code, upper-cased, or None."""
    code = request.headers.get(HEADER, "").strip().upper()
    return code if CODE_PATTERN.match(code) else None


def region_place(code: str) -> Place | None:
    """Return the capital of an ISO 3166-2 region, or None when the table does not know the region."""
    for line in TABLE.strip().splitlines():
        iso, city, region, latitude, longitude = line.split("|")
        if iso == code:
            return Place(city, float(latitude), float(longitude), country=code[:2], region=region)
    return None
