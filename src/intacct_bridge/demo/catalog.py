"""Word lists and item builders for the demo company: plausible manufacturing and
distribution vocabulary (fasteners, bearings, motors, pumps, steel …), people, places.

Everything here is data or a pure function of a :class:`random.Random`; the generator decides
what to draw and in which order, so the same seed always builds the same catalogue.
Cities, postal prefixes and tax rates are public facts used for plausibility only; every
company, person, street and part number is made up.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# -- people -----------------------------------------------------------------------------

FIRST_NAMES = (
    "Aaron", "Abigail", "Adrian", "Aisha", "Alan", "Alicia", "Amir", "Ana", "Andre", "Angela",
    "Ben", "Bianca", "Brandon", "Brenda", "Caleb", "Camille", "Carlos", "Carmen", "Chen",
    "Chloe", "Colin", "Dana", "Daniel", "Deepa", "Derek", "Diane", "Dmitri", "Elena", "Eli",
    "Emma", "Eric", "Farah", "Felix", "Fiona", "Gabriel", "Grace", "Greg", "Hannah", "Hector",
    "Helen", "Ian", "Imani", "Isaac", "Ivy", "Jack", "Jasmine", "Javier", "Jenna", "Joel",
    "Julia", "Kai", "Karen", "Keith", "Kendra", "Kevin", "Laura", "Leon", "Linh", "Logan",
    "Lucia", "Malik", "Maria", "Marcus", "Megan", "Mei", "Miguel", "Nadia", "Nathan", "Nina",
    "Noah", "Olivia", "Omar", "Owen", "Paula", "Priya", "Rachel", "Rafael", "Raj", "Rebecca",
    "Ryan", "Samir", "Sandra", "Sean", "Sofia", "Stephen", "Tanya", "Teresa", "Theo", "Tomas",
    "Tyler", "Uma", "Valerie", "Victor", "Wade", "Wendy", "Yusuf", "Yvonne", "Zach", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Abbott", "Acosta", "Adler", "Ahmed", "Alvarez", "Archer", "Baker", "Banerjee", "Barrett",
    "Becker", "Bishop", "Blackwell", "Boone", "Brennan", "Calloway", "Carver", "Castillo",
    "Chandler", "Cho", "Collins", "Conrad", "Crane", "Dalton", "Delgado", "Dixon", "Doyle",
    "Duarte", "Easton", "Ellison", "Farrell", "Fischer", "Fleming", "Foster", "Gallagher",
    "Garza", "Gill", "Gordon", "Graves", "Hale", "Harmon", "Hayes", "Hendricks", "Holloway",
    "Hughes", "Ingram", "Jensen", "Kaplan", "Keller", "Kowalski", "Lambert", "Larsen", "Lee",
    "Lindqvist", "Lowell", "Madsen", "Malone", "Marsh", "Mercer", "Molina", "Morrow", "Nakamura",
    "Navarro", "Nolan", "Novak", "Okafor", "Olsen", "Ortega", "Park", "Patel", "Pearson",
    "Pham", "Porter", "Quinlan", "Ramos", "Reyes", "Rhodes", "Rios", "Rowe", "Sandoval",
    "Schultz", "Shaw", "Singh", "Sloane", "Soto", "Stanton", "Stone", "Sullivan", "Tan",
    "Thornton", "Tremblay", "Underwood", "Vance", "Vargas", "Walsh", "Warner", "Webb",
    "Whitaker", "Wolfe", "Yamada", "Young", "Zhang", "Zimmerman",
)  # fmt: skip

# -- places -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class City:
    """A city the demo company or its partners are in."""

    name: str
    #: state, province or region as written on an address
    region: str
    country: str
    #: first characters of the postal code (US: ZIP3, CA: FSA start, others: prefix)
    postal: str
    #: telephone area code
    area: str


US_CITIES = (
    City("Cleveland", "OH", "US", "441", "216"), City("Akron", "OH", "US", "443", "330"),
    City("Dayton", "OH", "US", "454", "937"), City("Toledo", "OH", "US", "436", "419"),
    City("Columbus", "OH", "US", "432", "614"), City("Cincinnati", "OH", "US", "452", "513"),
    City("Detroit", "MI", "US", "482", "313"), City("Grand Rapids", "MI", "US", "495", "616"),
    City("Lansing", "MI", "US", "489", "517"), City("Fort Wayne", "IN", "US", "468", "260"),
    City("Indianapolis", "IN", "US", "462", "317"), City("Evansville", "IN", "US", "477", "812"),
    City("Chicago", "IL", "US", "606", "312"), City("Rockford", "IL", "US", "611", "815"),
    City("Peoria", "IL", "US", "616", "309"), City("Milwaukee", "WI", "US", "532", "414"),
    City("Green Bay", "WI", "US", "543", "920"), City("Minneapolis", "MN", "US", "554", "612"),
    City("St. Louis", "MO", "US", "631", "314"), City("Kansas City", "MO", "US", "641", "816"),
    City("Des Moines", "IA", "US", "503", "515"), City("Wichita", "KS", "US", "672", "316"),
    City("Pittsburgh", "PA", "US", "152", "412"), City("Allentown", "PA", "US", "181", "610"),
    City("Erie", "PA", "US", "165", "814"), City("Buffalo", "NY", "US", "142", "716"),
    City("Rochester", "NY", "US", "146", "585"), City("Albany", "NY", "US", "122", "518"),
    City("Worcester", "MA", "US", "016", "508"), City("Hartford", "CT", "US", "061", "860"),
    City("Atlanta", "GA", "US", "303", "404"), City("Charlotte", "NC", "US", "282", "704"),
    City("Greensboro", "NC", "US", "274", "336"), City("Nashville", "TN", "US", "372", "615"),
    City("Chattanooga", "TN", "US", "374", "423"), City("Louisville", "KY", "US", "402", "502"),
    City("Birmingham", "AL", "US", "352", "205"), City("Greenville", "SC", "US", "296", "864"),
    City("Houston", "TX", "US", "770", "713"), City("Dallas", "TX", "US", "752", "214"),
    City("San Antonio", "TX", "US", "782", "210"), City("Tulsa", "OK", "US", "741", "918"),
    City("Phoenix", "AZ", "US", "850", "602"), City("Denver", "CO", "US", "802", "303"),
    City("Salt Lake City", "UT", "US", "841", "801"), City("Reno", "NV", "US", "895", "775"),
    City("Portland", "OR", "US", "972", "503"), City("Seattle", "WA", "US", "981", "206"),
    City("Fresno", "CA", "US", "937", "559"), City("Sacramento", "CA", "US", "958", "916"),
)  # fmt: skip

CA_CITIES = (
    City("Mississauga", "ON", "CA", "L5", "905"), City("Hamilton", "ON", "CA", "L8", "905"),
    City("Toronto", "ON", "CA", "M9", "416"), City("London", "ON", "CA", "N6", "519"),
    City("Windsor", "ON", "CA", "N9", "519"), City("Kitchener", "ON", "CA", "N2", "519"),
    City("Montréal", "QC", "CA", "H4", "514"), City("Laval", "QC", "CA", "H7", "450"),
    City("Québec", "QC", "CA", "G1", "418"), City("Sherbrooke", "QC", "CA", "J1", "819"),
    City("Calgary", "AB", "CA", "T2", "403"), City("Edmonton", "AB", "CA", "T5", "780"),
    City("Winnipeg", "MB", "CA", "R3", "204"), City("Saskatoon", "SK", "CA", "S7", "306"),
    City("Surrey", "BC", "CA", "V3", "604"), City("Moncton", "NB", "CA", "E1", "506"),
)  # fmt: skip

#: cities of overseas suppliers, with the currency they invoice in
OVERSEAS_CITIES = (
    (City("Schweinfurt", "Bayern", "DE", "974", "9721"), "EUR"),
    (City("Stuttgart", "Baden-Württemberg", "DE", "701", "711"), "EUR"),
    (City("Dortmund", "Nordrhein-Westfalen", "DE", "441", "231"), "EUR"),
    (City("Brescia", "BS", "IT", "251", "030"), "EUR"),
    (City("Bologna", "BO", "IT", "401", "051"), "EUR"),
    (City("Nagoya", "Aichi", "JP", "450", "52"), "JPY"),
    (City("Osaka", "Osaka", "JP", "530", "6"), "JPY"),
)

#: candidate cities for the company's own sites (head office, plant, second DC)
HQ_CITIES = ("Columbus", "Cleveland", "Dayton", "Fort Wayne", "Indianapolis", "Milwaukee")
PLANT_CITIES = ("Toledo", "Akron", "Rockford", "Evansville", "Peoria", "Erie")
SECOND_DC_CITIES = ("Dallas", "Atlanta", "Reno", "Charlotte", "Denver", "Nashville")
CA_HQ_CITIES = ("Mississauga", "Hamilton", "Kitchener")
CA_DC_CITIES = ("Calgary", "Edmonton", "Winnipeg")

#: sales region (dimension value) of each state or province
REGIONS = {
    "NE": ("Northeast", ("NY", "PA", "NJ", "MA", "CT")),
    "MW": ("Midwest", ("OH", "MI", "IN", "IL", "WI", "MN", "MO", "IA", "KS")),
    "SE": ("Southeast", ("GA", "NC", "TN", "KY", "AL", "SC")),
    "SW": ("Southwest", ("TX", "OK", "AZ")),
    "WE": ("West", ("CO", "UT", "NV", "OR", "WA", "CA")),
    "CA-E": ("Eastern Canada", ("ON", "QC", "NB")),
    "CA-W": ("Western Canada", ("AB", "MB", "SK", "BC")),
}
REGION_OF = {state: code for code, (_, states) in REGIONS.items() for state in states}

#: state base sales tax rates (percent); local rates are left out of the demo
US_STATE_TAX = {
    "OH": "5.75", "MI": "6", "IN": "7", "IL": "6.25", "WI": "5", "MN": "6.875", "MO": "4.225",
    "IA": "6", "KS": "6.5", "PA": "6", "NY": "4", "MA": "6.25", "CT": "6.35", "GA": "4",
    "NC": "4.75", "TN": "7", "KY": "6", "AL": "4", "SC": "6", "TX": "6.25", "OK": "4.5",
    "AZ": "5.6", "CO": "2.9", "UT": "4.85", "NV": "6.85", "OR": "0", "WA": "6.5", "CA": "7.25",
}  # fmt: skip
#: Canadian GST/HST by province (percent); provincial sales taxes are left out
CA_PROVINCE_TAX = {"ON": "13", "NB": "15", "QC": "5", "AB": "5", "MB": "5", "SK": "5", "BC": "5"}

STREET_NAMES = (
    "Industrial", "Commerce", "Enterprise", "Foundry", "Mill", "Rail", "Harbor", "Depot",
    "Quarry", "Lakeview", "Riverside", "Oak", "Maple", "Cedar", "Elm", "Willow", "Hickory",
    "Walnut", "Chestnut", "Sycamore", "Summit", "Ridge", "Valley", "Meadow", "Prairie",
    "Airport", "Canal", "Union", "Liberty", "Franklin", "Madison", "Jefferson", "Lincoln",
    "Washington", "Garfield", "Kensington", "Sheridan", "Lexington", "Fairview", "Parkway",
    "Technology", "Innovation", "Distribution", "Logistics", "Progress", "Gateway", "Corporate",
    "Northpoint", "Southgate", "Eastwood", "Westfield", "Stonebridge", "Pioneer", "Heritage",
)  # fmt: skip
STREET_SUFFIXES = ("St", "Ave", "Rd", "Dr", "Blvd", "Pkwy", "Way", "Ct", "Ln", "Hwy")
DE_STREETS = ("Industriestraße", "Gewerbering", "Hafenstraße", "Werkstraße", "Am Kanal")
IT_STREETS = ("Via dell'Industria", "Via Artigianato", "Via Roma", "Via dei Mille")
JP_STREETS = ("Minato-ku 2-chome", "Kita-ku 4-chome", "Nakamura-ku 1-chome")
SECOND_LINES = ("Suite 100", "Suite 200", "Unit 4", "Building B", "Dock 3", "Floor 2")

#: words that make business names sound local
PLACE_WORDS = (
    "Allegheny", "Anchor", "Bayview", "Beacon", "Birchwood", "Blue Ridge", "Bluewater",
    "Bridgeport", "Cardinal", "Cascade", "Cedar Creek", "Centennial", "Copperline",
    "Crossroads", "Eagle", "Evergreen", "Falcon", "Stony Valley", "Frontier", "Glacier",
    "Granite", "Great Lakes", "Harbor", "Heartland", "Highland", "Horizon", "Ironwood",
    "Keystone", "Lakeshore", "Liberty", "Lone Pine", "Maple Grove", "Meridian",
    "Midland", "Millbrook", "North Star", "Northgate", "Oak Ridge", "Ohio Valley", "Pinecrest",
    "Pioneer", "Prairie", "Redstone", "Ridgeline", "Riverbend", "Rocky Fork", "Sentinel",
    "Silver Creek", "Stonebridge", "Summit", "Sycamore", "Three Rivers", "Timberline",
    "Tri-County", "Twin Lakes", "Union", "Valley Forge", "Westbrook", "Whitewater", "Windmill",
)  # fmt: skip

#: what a customer of an industrial distributor does
CUSTOMER_TRADES = (
    "Fabrication", "Machine Works", "Tool & Die", "Precision Machining", "Plastics",
    "Packaging", "Food Processing", "Foundry", "Metal Finishing", "Welding & Fabrication",
    "Conveyor Systems", "Water Treatment", "Mining Supply", "Agricultural Equipment",
    "Marine Services", "Mechanical Contractors", "Automation", "Millwork", "Printing",
    "Brewing Company", "Paper Products", "Rubber Products", "Castings", "Forge", "Aggregates",
    "Cold Storage", "Hydraulic Service", "Power Systems", "Boiler Works", "Sheet Metal",
    "Industrial Maintenance", "Material Handling", "Pallet Company", "Dairy Cooperative",
    "Stamping", "Grain & Feed", "Extrusions", "Environmental Services", "Wire & Cable",
    "Elevator Service",
)  # fmt: skip
US_SUFFIXES = ("Inc.", "LLC", "Co.", "Corp.", "Company", "Inc.", "LLC")
CA_SUFFIXES = ("Ltd.", "Inc.", "Limited", "Ltd.")
QC_SUFFIXES = ("Ltée", "Inc.", "s.e.n.c.")
#: family names overseas suppliers are named after
OVERSEAS_STEMS = {
    "DE": ("Hartmann", "Krüger", "Vogel", "Brandt", "Schäfer", "Lindner"),
    "IT": ("Bianchi", "Ferraro", "Colombo", "Marchetti", "Rinaldi"),
    "JP": ("Tanaka", "Kobayashi", "Morita", "Hayashi", "Ogawa"),
}
OVERSEAS_SUFFIXES = {
    "DE": ("GmbH", "GmbH & Co. KG", "AG"),
    "IT": ("S.p.A.", "S.r.l."),
    "JP": ("Co., Ltd.", "K.K."),
}

#: the demo company's own name: a stem and a trade
COMPANY_STEMS = (
    "Tamarack", "Ironbridge", "Northfield", "Halstead", "Copperline", "Brightwater", "Kestrel",
    "Ashgrove", "Granite Peak", "Millrace", "Stonefield", "Riverton", "Larkspur", "Blue Heron",
)  # fmt: skip
COMPANY_TRADES = (
    "Industrial Supply",
    "Fluid Power",
    "Motion & Control",
    "Industrial Products",
    "Pump & Drive",
)

CARRIERS = (
    "Customer pickup", "UPS Ground", "FedEx Freight", "Estes LTL", "Will call", "Our truck",
    "Best way LTL", "Dedicated flatbed",
)  # fmt: skip

SALES_RETURN_REASONS = (
    "wrong part ordered", "damaged in transit", "ordered in excess", "defective on arrival",
    "wrong size shipped", "duplicate shipment",
)  # fmt: skip
PRICE_CREDIT_REASONS = (
    "contract price not applied", "quantity break discount", "promotional price missed",
    "pricing error on invoice", "rebate agreed with buyer",
)  # fmt: skip
PURCHASE_RETURN_REASONS = (
    "failed incoming inspection", "damaged in transit", "wrong part shipped",
    "over-shipment", "expired shelf life",
)  # fmt: skip
SUPPLIER_CREDIT_REASONS = (
    "price variance against PO", "volume rebate", "freight overcharge credited",
    "early payment allowance",
)  # fmt: skip
ADJUSTMENT_REASONS = (
    "Cycle count variance", "Physical inventory correction", "Damaged stock written off",
    "Unit of measure correction", "Found during bin audit",
)  # fmt: skip
PROJECT_KINDS = (
    "Conveyor Retrofit", "Pump Station Upgrade", "Hydraulic Press Rebuild",
    "Boiler Feed Pump Replacement", "Compressed Air Upgrade", "Packaging Line Expansion",
    "Cooling Tower Overhaul", "Plant Maintenance Program", "Dust Collection Upgrade",
    "Wastewater Lift Station", "Mixer Drive Replacement", "Line 2 Automation",
)  # fmt: skip
TASK_KINDS = ("Engineering", "Materials", "Fabrication", "Installation", "Commissioning")
INTERNAL_PROJECTS = (
    "Lean Cell Rollout", "Weld Shop Expansion", "Paint Line Upgrade", "5S Program",
    "Test Stand Build", "Assembly Line Rebalance",
)  # fmt: skip

# -- numbers ----------------------------------------------------------------------------

CENT = Decimal("0.01")
TENTH_CENT = Decimal("0.0001")


def money(value: Decimal | int | float | str, places: Decimal = CENT) -> Decimal:
    """``value`` rounded half-up to ``places`` (cents by default)."""
    return Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP)


def price_places(value: Decimal) -> Decimal:
    """Cents for prices of a dollar or more, hundredths of a cent below."""
    return CENT if value >= 1 else TENTH_CENT


def round_price(value: Decimal | float) -> Decimal:
    """A unit price or cost rounded the way a price list writes it."""
    number = Decimal(str(value))
    return number.quantize(price_places(number), rounding=ROUND_HALF_UP)


# -- item catalogue ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """What an item builder returns: enough to make an :class:`~intacct_bridge.model.Item`."""

    name: str
    unit: str
    #: standard cost in US dollars
    cost: Decimal


@dataclass(frozen=True, slots=True)
class Category:
    """A product line: builder, posting class, and how it is bought and sold."""

    code: str
    name: str
    #: item posting class ID
    posting_class: str
    #: share of the item count (relative)
    weight: int
    build: Callable[[random.Random], ItemSpec]
    #: quantity ordered on a sales line: (low, high)
    sales_qty: tuple[int, int]
    #: purchase lines buy this many times a sales quantity: (low, high)
    buy_factor: tuple[int, int]
    #: markup over cost, in percent: (low, high)
    markup: tuple[int, int]
    is_sold: bool = True
    is_purchased: bool = True
    #: used up by the plant to build assemblies
    is_component: bool = False


def _pick(rng: random.Random, values: tuple[str, ...]) -> str:
    return values[rng.randrange(len(values))]


def _cost(value: float, jitter: random.Random) -> Decimal:
    return round_price(max(value * (0.9 + 0.2 * jitter.random()), 0.05))


_INCH = ("1/4", "5/16", "3/8", "1/2", "5/8", "3/4")
_INCH_THREAD = {"1/4": "20", "5/16": "18", "3/8": "16", "1/2": "13", "5/8": "11", "3/4": "10"}
_INCH_SIZE = {"1/4": 0.25, "5/16": 0.31, "3/8": 0.38, "1/2": 0.5, "5/8": 0.63, "3/4": 0.75}
_INCH_LENGTH = ("3/4", "1", "1-1/4", "1-1/2", "2", "2-1/2", "3", "4")
_METRIC = (
    ("M6", "1.0", 6), ("M8", "1.25", 8), ("M10", "1.5", 10), ("M12", "1.75", 12),
    ("M16", "2.0", 16),
)  # fmt: skip
_METRIC_LENGTH = (16, 20, 25, 30, 40, 50, 60, 80)
_SCREWS = (
    ("Hex Cap Screw", ("Grade 5 Zinc", "Grade 8 Yellow Zinc", "18-8 Stainless", "Plain Steel")),
    ("Socket Head Cap Screw", ("Alloy Black Oxide", "18-8 Stainless", "316 Stainless")),
    ("Flange Bolt", ("Grade 5 Zinc", "Grade 8 Yellow Zinc")),
    ("Carriage Bolt", ("Zinc", "Hot-Dip Galvanized", "18-8 Stainless")),
    ("Button Head Socket Screw", ("Alloy Black Oxide", "18-8 Stainless")),
    ("Shoulder Bolt", ("Alloy Steel", "18-8 Stainless")),
)
_NUTS = (
    ("Hex Nut", ("Grade 5 Zinc", "Grade 8 Yellow Zinc", "18-8 Stainless")),
    ("Nylon Insert Lock Nut", ("Zinc", "18-8 Stainless")),
    ("Flat Washer, SAE", ("Zinc", "Hot-Dip Galvanized", "18-8 Stainless")),
    ("Split Lock Washer", ("Zinc", "18-8 Stainless")),
    ("Serrated Flange Nut", ("Grade 5 Zinc", "18-8 Stainless")),
)


def fastener(rng: random.Random) -> ItemSpec:
    """Screws, bolts, nuts and washers, sold by the box."""
    pack = (25, 50, 100)[rng.randrange(3)]
    if rng.random() < 0.6:
        kind, finishes = _SCREWS[rng.randrange(len(_SCREWS))]
        finish = _pick(rng, finishes)
        if rng.random() < 0.35:
            size, pitch, mm = _METRIC[rng.randrange(len(_METRIC))]
            length = _METRIC_LENGTH[rng.randrange(len(_METRIC_LENGTH))]
            label, dia, long = f"{size} x {pitch} x {length} mm", mm / 25.4, length / 25.4
        else:
            size = _pick(rng, _INCH)
            text = _pick(rng, _INCH_LENGTH)
            label = f"{size}-{_INCH_THREAD[size]} x {text} in"
            dia, long = _INCH_SIZE[size], _inch_value(text)
        each = 0.04 + dia * dia * (1.5 + long) * (2.6 if "Stainless" in finish else 1.0)
        name = f"{kind}, {label}, {finish}, Box of {pack}"
    else:
        kind, finishes = _NUTS[rng.randrange(len(_NUTS))]
        finish = _pick(rng, finishes)
        size = _pick(rng, _INCH)
        each = 0.02 + _INCH_SIZE[size] ** 2 * (2.2 if "Stainless" in finish else 0.8)
        name = f"{kind}, {size} in, {finish}, Box of {pack}"
    return ItemSpec(name, "BX", _cost(max(each * pack, 2.4), rng))


def _inch_value(text: str) -> float:
    whole, _, frac = text.partition("-")
    if "/" in whole:
        whole, frac = "0", whole
    value = float(whole)
    if frac:
        top, bottom = frac.split("/")
        value += int(top) / int(bottom)
    return value


def _bore(code: int) -> int:
    return (10, 12, 15, 17)[code] if code < 4 else code * 5


def bearing(rng: random.Random) -> ItemSpec:
    """Ball and roller bearings and mounted units, by ISO designation."""
    cost: float
    code = rng.randrange(0, 21)
    bore = _bore(code)
    size = (bore / 25) ** 1.7
    kind = rng.randrange(6)
    if kind == 0:
        series = _pick(rng, ("60", "62", "63"))
        seal = _pick(rng, ("-2RS", "-ZZ", ""))
        name = f"Deep Groove Ball Bearing {series}{code:02d}{seal}, {bore} mm Bore"
        cost = 4 + 9 * size * (1.3 if series == "63" else 1.0)
    elif kind == 1:
        series = _pick(rng, ("302", "303", "322"))
        name = f"Tapered Roller Bearing {series}{code:02d}, {bore} mm Bore, Cone and Cup"
        cost = 14 + 22 * size
    elif kind == 2:
        series = _pick(rng, ("222", "223", "232"))
        taper = _pick(rng, (", Tapered Bore", ", Cylindrical Bore"))
        name = f"Spherical Roller Bearing {series}{code:02d}{taper}, {bore} mm"
        cost = 60 + 95 * size
    elif kind == 3:
        series = _pick(rng, ("NU2", "NJ2", "NU3"))
        name = f"Cylindrical Roller Bearing {series}{code:02d}, {bore} mm Bore"
        cost = 30 + 45 * size
    elif kind == 4:
        name = f"Pillow Block Unit UCP2{min(code, 18):02d}, {bore} mm Shaft, Cast Iron Housing"
        cost = 18 + 28 * size
    else:
        bolts = _pick(rng, ("4-Bolt", "2-Bolt"))
        name = f"{bolts} Flange Unit UCF2{min(code, 18):02d}, {bore} mm Shaft"
        cost = 16 + 25 * size
    return ItemSpec(name, "EA", _cost(cost, rng))


_HP = (
    ("1/2", 0.5, "56"), ("3/4", 0.75, "56"), ("1", 1.0, "143T"), ("1-1/2", 1.5, "145T"),
    ("2", 2.0, "145T"), ("3", 3.0, "182T"), ("5", 5.0, "184T"), ("7-1/2", 7.5, "213T"),
    ("10", 10.0, "215T"), ("15", 15.0, "254T"), ("20", 20.0, "256T"), ("25", 25.0, "284T"),
)  # fmt: skip


def motor(rng: random.Random) -> ItemSpec:
    """Motors, gearmotors, drives and starters."""
    cost: float
    text, hp, frame = _HP[rng.randrange(len(_HP))]
    kind = rng.randrange(5)
    if kind <= 1:
        rpm = _pick(rng, ("1800", "1800", "3600", "1200"))
        enclosure = _pick(rng, ("TEFC", "TEFC", "ODP"))
        grade = "Premium Efficiency Motor" if kind else "AC Induction Motor"
        name = f"{grade}, {text} HP, {rpm} RPM, {frame} Frame, {enclosure}, 230/460V 3-Phase"
        cost = (220 + 105 * hp**0.9) * (1.25 if kind else 1.0)
    elif kind == 2:
        name = f"Variable Frequency Drive, {text} HP, 480V 3-Phase, NEMA 1"
        cost = 260 + 70 * hp**0.85
    elif kind == 3:
        gear = _pick(rng, ("1/4", "1/3", "1/2", "3/4"))
        rpm = _pick(rng, ("30", "45", "60", "90", "115"))
        name = f"Parallel Shaft Gearmotor, {gear} HP, {rpm} RPM Output, 230/460V"
        cost = 340 + 280 * _inch_value(gear)
    else:
        name = f"Combination Motor Starter, {text} HP, 480V, NEMA 12 Enclosure"
        cost = 300 + 40 * hp**0.8
    return ItemSpec(name, "EA", _cost(cost, rng))


def pump(rng: random.Random) -> ItemSpec:
    """Centrifugal, diaphragm, gear and sump pumps, seals and kits."""
    cost: float
    kind = rng.randrange(7)
    if kind == 0:
        text, hp, _ = _HP[rng.randrange(2, 10)]
        size = _pick(rng, ("1-1/2 x 1", "2 x 1-1/2", "3 x 2", "4 x 3"))
        name = f"End-Suction Centrifugal Pump, {text} HP, {size} in, Cast Iron"
        cost = 650 + 160 * hp
    elif kind == 1:
        port = _pick(rng, ("1/2", "1", "1-1/2", "2", "3"))
        body = _pick(rng, ("Aluminum", "Polypropylene", "316 Stainless", "Cast Iron"))
        name = f"Air-Operated Double Diaphragm Pump, {port} in, {body}"
        cost = (520 + 900 * _inch_value(port)) * (1.8 if "Stainless" in body else 1.0)
    elif kind == 2:
        port = _pick(rng, ("2", "3", "4"))
        name = f"Self-Priming Trash Pump, {port} in, Cast Iron Volute"
        cost = 900 + 600 * _inch_value(port)
    elif kind == 3:
        hp_text = _pick(rng, ("1/3", "1/2", "3/4", "1"))
        volts = _pick(rng, ("115V", "230V"))
        name = f"Submersible Sump Pump, {hp_text} HP, {volts}, Cast Iron"
        cost = 160 + 260 * _inch_value(hp_text)
    elif kind == 4:
        gpm = _pick(rng, ("5", "10", "20", "35", "50"))
        body = _pick(rng, ("Bronze", "Cast Iron", "316 Stainless"))
        name = f"Rotary Gear Pump, {gpm} GPM, {body}"
        cost = (380 + 22 * int(gpm)) * (1.9 if "Stainless" in body else 1.0)
    elif kind == 5:
        shaft = _pick(rng, ("5/8", "3/4", "7/8", "1", "1-1/4", "1-1/2", "1-3/4"))
        face = _pick(rng, ("Carbon/Ceramic", "Silicon Carbide", "Tungsten Carbide"))
        name = f"Mechanical Seal Type 21, {shaft} in Shaft, {face}, Viton"
        cost = 45 + 60 * _inch_value(shaft)
    else:
        port = _pick(rng, ("1/2", "1", "1-1/2", "2"))
        name = f"Diaphragm Pump Wet-End Rebuild Kit, {port} in, PTFE"
        cost = 140 + 160 * _inch_value(port)
    return ItemSpec(name, "EA", _cost(cost, rng))


_PIPE = ("1/4", "3/8", "1/2", "3/4", "1", "1-1/4", "1-1/2", "2")


def valve(rng: random.Random) -> ItemSpec:
    """Ball, butterfly, gate, check, solenoid and relief valves, strainers."""
    cost: float
    kind = rng.randrange(7)
    size = _pick(rng, _PIPE)
    inches = _inch_value(size)
    if kind == 0:
        body = _pick(rng, ("316 Stainless", "Forged Brass", "Carbon Steel"))
        rating = _pick(rng, ("600 WOG", "1000 WOG", "2000 WOG"))
        name = f"Ball Valve, 2-Piece Full Port, {body}, {size} in NPT, {rating}"
        cost = (9 + 38 * inches**1.4) * (2.2 if "Stainless" in body else 1.0)
    elif kind == 1:
        big = _pick(rng, ("2", "3", "4", "6", "8", "10", "12"))
        seat = _pick(rng, ("EPDM", "Buna-N", "Viton"))
        name = f"Lug Butterfly Valve, {big} in, Ductile Iron, {seat} Seat, Lever Operated"
        cost = 85 + 34 * int(big) ** 1.3
    elif kind == 2:
        name = f"Gate Valve, Bronze, Class 150, {size} in NPT"
        cost = 22 + 55 * inches**1.3
    elif kind == 3:
        body = _pick(rng, ("Bronze", "316 Stainless", "PVC"))
        name = f"Swing Check Valve, {body}, {size} in NPT"
        cost = (18 + 40 * inches**1.3) * (2.0 if "Stainless" in body else 1.0)
    elif kind == 4:
        coil = _pick(rng, ("24 VDC", "120 VAC", "240 VAC"))
        name = f"Solenoid Valve, 2-Way Normally Closed, {size} in NPT, {coil} Coil"
        cost = 48 + 70 * inches
    elif kind == 5:
        psi = _pick(rng, ("50", "75", "100", "125", "150", "250"))
        name = f"Pressure Relief Valve, {size} in NPT, Set at {psi} psi"
        cost = 35 + 90 * inches
    else:
        body = _pick(rng, ("Cast Iron", "Carbon Steel", "316 Stainless"))
        name = f"Y-Strainer, {body}, {size} in NPT, 20 Mesh Screen"
        cost = (16 + 45 * inches**1.3) * (2.0 if "Stainless" in body else 1.0)
    return ItemSpec(name, "EA", _cost(cost, rng))


_DASH = ("1/4", "3/8", "1/2", "3/4", "1")


def hydraulic(rng: random.Random) -> ItemSpec:
    """Hose assemblies, cylinders, pumps, valves, couplers and filters."""
    cost: float
    kind = rng.randrange(6)
    if kind == 0:
        dash = _pick(rng, _DASH)
        length = _pick(rng, ("24", "36", "48", "60", "72", "96"))
        name = f"Hydraulic Hose Assembly, SAE 100R2AT, {dash} in x {length} in, JIC Swivel Ends"
        cost = 14 + 0.35 * int(length) * (1 + _inch_value(dash))
    elif kind == 1:
        bore = _pick(rng, ("1-1/2", "2", "2-1/2", "3", "4"))
        stroke = _pick(rng, ("6", "8", "10", "12", "18", "24", "36"))
        name = f"Tie-Rod Hydraulic Cylinder, {bore} in Bore x {stroke} in Stroke, 3000 psi"
        cost = 140 + 70 * _inch_value(bore) + 6 * int(stroke)
    elif kind == 2:
        disp = _pick(rng, ("0.5", "0.75", "1.0", "1.5", "2.0", "2.5"))
        name = f"Hydraulic Gear Pump, {disp} cu in/rev, SAE A 2-Bolt Mount"
        cost = 210 + 110 * float(disp)
    elif kind == 3:
        dash = _pick(rng, _DASH)
        name = f"Quick Coupler Set, ISO 7241-A, {dash} in NPT, Steel"
        cost = 18 + 40 * _inch_value(dash)
    elif kind == 4:
        coil = _pick(rng, ("12 VDC", "24 VDC", "120 VAC"))
        center = _pick(rng, ("Tandem Center", "Closed Center", "Float Center"))
        name = f"Directional Control Valve D03, 4-Way 3-Position, {center}, {coil}"
        cost = 165 + (20 if "VAC" in coil else 0)
    else:
        micron = _pick(rng, ("3", "10", "25"))
        length = _pick(rng, ("4", "9", "13"))
        name = f"Return Line Filter Element, {micron} Micron, {length} in, Glass Media"
        cost = 16 + 3.2 * int(length)
    return ItemSpec(name, "EA", _cost(cost, rng))


def pneumatic(rng: random.Random) -> ItemSpec:
    """Air cylinders, FRLs, fittings, tubing and valves."""
    cost: float
    kind = rng.randrange(5)
    if kind == 0:
        bore = _pick(rng, ("1-1/2", "2", "2-1/2", "3-1/4", "4"))
        stroke = _pick(rng, ("2", "3", "4", "6", "8", "12"))
        name = f"NFPA Air Cylinder, {bore} in Bore x {stroke} in Stroke, Double Acting"
        cost = 62 + 28 * _inch_value(bore) + 4 * int(stroke)
    elif kind == 1:
        port = _pick(rng, ("1/4", "3/8", "1/2", "3/4"))
        name = f"Filter-Regulator-Lubricator Combo, {port} in NPT, Metal Bowls"
        cost = 70 + 85 * _inch_value(port)
    elif kind == 2:
        tube = _pick(rng, ("4", "6", "8", "10", "12"))
        thread = _pick(rng, ("1/8", "1/4", "3/8", "1/2"))
        name = f"Push-to-Connect Male Connector, {tube} mm Tube x {thread} NPT, Pack of 10"
        cost = 9 + 0.9 * int(tube)
    elif kind == 3:
        tube = _pick(rng, ("4", "6", "8", "10", "12"))
        color = _pick(rng, ("Blue", "Black", "Clear", "Red"))
        name = f"Polyurethane Air Tubing, {tube} mm OD, {color}, 100 ft Roll"
        cost = 14 + 3.5 * int(tube)
    else:
        port = _pick(rng, ("1/8", "1/4", "3/8"))
        operator = _pick(rng, ("Single Solenoid", "Double Solenoid"))
        name = f"5/2-Way Valve, {operator}, {port} in NPT, 24 VDC"
        cost = 58 + (30 if operator.startswith("Double") else 0)
    return ItemSpec(name, "EA", _cost(cost, rng))


_ENCLOSURES = ("10 x 8 x 6", "12 x 10 x 6", "16 x 14 x 8", "20 x 16 x 8", "24 x 20 x 10")


def electrical(rng: random.Random) -> ItemSpec:
    """Contactors, sensors, cord, terminal blocks, enclosures and breakers."""
    cost: float
    kind = rng.randrange(6)
    unit = "EA"
    if kind == 0:
        amps = _pick(rng, ("9", "12", "18", "25", "32", "40", "65"))
        coil = _pick(rng, ("24 VDC", "120 VAC", "240 VAC"))
        name = f"IEC Contactor, 3-Pole, {amps} A, {coil} Coil"
        cost = 24 + 1.6 * int(amps)
    elif kind == 1:
        size = _pick(rng, ("8", "12", "18", "30"))
        output = _pick(rng, ("PNP N.O.", "NPN N.O.", "PNP N.C."))
        name = f"Inductive Proximity Sensor, M{size}, {output}, M12 Quick Disconnect"
        cost = 26 + 1.1 * int(size)
    elif kind == 2:
        gauge = _pick(rng, ("16/3", "14/3", "14/4", "12/3", "12/4", "10/4"))
        name = f"Portable Cord SOOW {gauge}, Black, Cut to Length"
        cost = 0.6 + 0.45 * int(gauge.split("/")[1]) * 16 / int(gauge.split("/")[0])
        unit = "FT"
    elif kind == 3:
        size = _pick(rng, ("2.5", "4", "6", "10"))
        name = f"DIN Rail Terminal Block, {size} mm2, Gray, Pack of 50"
        cost = 22 + 6 * float(size)
    elif kind == 4:
        dims = _pick(rng, _ENCLOSURES)
        name = f"Enclosure NEMA 4X, Fiberglass, {dims} in, Hinged Cover"
        width = int(dims.split(" x ")[0])
        cost = 45 + 6.5 * width
    else:
        poles = _pick(rng, ("1", "2", "3"))
        amps = _pick(rng, ("6", "10", "15", "20", "30", "40"))
        name = f"Miniature Circuit Breaker, {poles}-Pole, {amps} A, C Curve"
        cost = 11 + 9 * int(poles)
    return ItemSpec(name, unit, _cost(cost, rng))


def power_transmission(rng: random.Random) -> ItemSpec:
    """Belts, chain, sprockets, couplings and gear reducers."""
    cost: float
    kind = rng.randrange(6)
    if kind == 0:
        section = _pick(rng, ("A", "B", "C", "AX", "BX"))
        length = rng.randrange(26, 181)
        name = f"Classical V-Belt {section}{length}, Oil and Heat Resistant"
        cost = 4 + 0.11 * length * (1.6 if section.startswith("C") else 1.0)
    elif kind == 1:
        pitch = _pick(rng, ("35", "40", "50", "60", "80"))
        strand = _pick(rng, ("Single Strand", "Double Strand"))
        name = f"Roller Chain ANSI #{pitch}, {strand}, Riveted, 10 ft Box"
        cost = (18 + 1.1 * int(pitch)) * (1.9 if strand.startswith("Double") else 1.0)
    elif kind == 2:
        pitch = _pick(rng, ("35", "40", "50", "60"))
        teeth = rng.randrange(12, 46)
        bore = _pick(rng, ("1/2", "5/8", "3/4", "1", "1-1/4"))
        name = f"Type B Sprocket {pitch}B{teeth}, {bore} in Finished Bore, Keyway"
        cost = 9 + 0.55 * teeth * int(pitch) / 40
    elif kind == 3:
        size = _pick(rng, ("L070", "L075", "L090", "L095", "L100", "L110"))
        bore = _pick(rng, ("1/2", "5/8", "3/4", "7/8", "1", "1-1/8"))
        name = f"Jaw Coupling Hub {size}, {bore} in Bore with Keyway"
        cost = 11 + 0.12 * int(size[1:])
    elif kind == 4:
        ratio = _pick(rng, ("5", "10", "15", "20", "30", "40", "60"))
        frame = _pick(rng, ("56C", "140TC", "180TC"))
        name = f"Worm Gear Reducer, {ratio}:1, {frame} Input, Hollow Bore Output"
        cost = 260 + (140 if frame == "180TC" else 60 if frame == "140TC" else 0)
    else:
        pitch_length = _pick(rng, ("600", "800", "1000", "1200", "1600", "2000"))
        width = _pick(rng, ("20", "30", "50", "85"))
        name = f"HTD Timing Belt {pitch_length}-8M-{width}, Neoprene"
        cost = 12 + int(pitch_length) * int(width) / 2200
    return ItemSpec(name, "EA", _cost(cost, rng))


_GAUGE = (("16", 0.0598), ("14", 0.0747), ("12", 0.1046), ("11", 0.1196))
_PLATE = ("3/16", "1/4", "3/8", "1/2", "5/8", "3/4", "1")


def steel(rng: random.Random) -> ItemSpec:
    """Plate, bar, sheet, tube and angle; bar and tube are sold by the foot."""
    cost: float
    kind = rng.randrange(7)
    unit = "FT"
    if kind == 0:
        thick = _pick(rng, _PLATE)
        size = _pick(rng, ("48 x 96", "60 x 120", "96 x 240"))
        area = int(size.split(" x ")[0]) * int(size.split(" x ")[1]) / 144
        name = f"Hot Rolled Steel Plate A36, {thick} in x {size} in"
        cost, unit = 40.8 * _inch_value(thick) * area * 0.52, "EA"
    elif kind == 1:
        dia = _pick(rng, ("1/2", "3/4", "1", "1-1/4", "1-1/2", "2", "2-1/2", "3"))
        grade = _pick(rng, ("1018", "1045", "4140"))
        name = f"Cold Drawn Round Bar {grade}, {dia} in Diameter"
        cost = 2.67 * _inch_value(dia) ** 2 * (0.95 if grade == "1018" else 1.25)
    elif kind == 2:
        gauge, inches = _GAUGE[rng.randrange(len(_GAUGE))]
        finish = _pick(rng, ("304 2B", "304 #4", "316 2B"))
        name = f"Stainless Steel Sheet {finish}, {gauge} ga x 48 in x 120 in"
        cost, unit = 40.8 * inches * 40 * (2.6 if "316" in finish else 2.0), "EA"
    elif kind == 3:
        side = _pick(rng, ("1", "1-1/2", "2", "3", "4"))
        wall = _pick(rng, ("1/8", "3/16", "1/4"))
        name = f"Square Tube A500, {side} x {side} x {wall} in Wall"
        cost = 4 * _inch_value(side) * _inch_value(wall) * 3.4 * 0.8
    elif kind == 4:
        leg = _pick(rng, ("1", "1-1/2", "2", "3", "4"))
        thick = _pick(rng, ("1/8", "3/16", "1/4", "3/8"))
        name = f"Steel Angle A36, {leg} x {leg} x {thick} in"
        cost = 2 * _inch_value(leg) * _inch_value(thick) * 3.4 * 0.6
    elif kind == 5:
        thick = _pick(rng, ("1/4", "3/8", "1/2", "3/4", "1"))
        name = f"Aluminum Plate 6061-T651, {thick} in x 24 in x 48 in"
        cost, unit = 14.1 * _inch_value(thick) * 8 * 3.1, "EA"
    else:
        thick = _pick(rng, ("1/8", "1/4", "3/8", "1/2"))
        width = _pick(rng, ("1", "1-1/2", "2", "3", "4", "6"))
        name = f"Hot Rolled Flat Bar A36, {thick} x {width} in"
        cost = _inch_value(thick) * _inch_value(width) * 3.4 * 0.6
    return ItemSpec(name, unit, _cost(max(cost, 1.2), rng))


_SIZES = ("S", "M", "L", "XL", "2XL")


def safety(rng: random.Random) -> ItemSpec:
    """Gloves, eye and hearing protection, absorbents and spill kits."""
    cost: float
    kind = rng.randrange(6)
    unit = "BX"
    if kind == 0:
        mil = _pick(rng, ("4", "6", "8"))
        name = f"Nitrile Disposable Gloves, {mil} mil, Size {_pick(rng, _SIZES)}, Box of 100"
        cost = 6 + 1.1 * int(mil)
    elif kind == 1:
        level = rng.randrange(2, 7)
        name = f"Cut-Resistant Gloves, ANSI A{level}, PU Palm, Size {_pick(rng, _SIZES)}"
        cost, unit = 2.4 + 1.3 * level, "PR"
    elif kind == 2:
        lens = _pick(rng, ("Clear", "Gray", "Amber", "Indoor/Outdoor"))
        name = f"Safety Glasses, {lens} Anti-Fog Lens, Box of 12"
        cost = 19 + (8 if "/" in lens else 0)
    elif kind == 3:
        nrr = _pick(rng, ("29", "32", "33"))
        name = f"Foam Earplugs, Uncorded, NRR {nrr}, Box of 200 Pairs"
        cost = 21 + 0.3 * int(nrr)
    elif kind == 4:
        kind_text = _pick(rng, ("Universal", "Oil-Only", "Chemical"))
        name = f"Absorbent Pads, {kind_text}, 15 x 19 in, Bundle of 100"
        cost = 38 + (12 if kind_text == "Chemical" else 0)
    else:
        gallons = _pick(rng, ("20", "30", "65", "95"))
        name = f"Spill Kit, {gallons} gal Overpack Drum, Universal"
        cost, unit = 55 + 3.2 * int(gallons), "EA"
    return ItemSpec(name, unit, _cost(cost, rng))


def lubricant(rng: random.Random) -> ItemSpec:
    """Greases, hydraulic and gear oils, cutting fluids."""
    cost: float
    kind = rng.randrange(5)
    if kind == 0:
        grade = _pick(rng, ("1", "2"))
        base = _pick(rng, ("Lithium Complex", "Calcium Sulfonate", "Polyurea"))
        name = f"{base} Grease NLGI {grade}, 14 oz Cartridge, Case of 10"
        cost = 42 + (15 if base != "Lithium Complex" else 0)
    elif kind == 1:
        iso = _pick(rng, ("32", "46", "68"))
        pack, factor = _container(rng)
        name = f"AW Hydraulic Oil ISO {iso}, {pack}"
        cost = 11 * factor
    elif kind == 2:
        iso = _pick(rng, ("150", "220", "320", "460"))
        pack, factor = _container(rng)
        name = f"Industrial Gear Oil ISO {iso}, Synthetic, {pack}"
        cost = 22 * factor
    elif kind == 3:
        pack, factor = _container(rng)
        fluid = _pick(rng, ("Semi-Synthetic", "Soluble Oil", "Synthetic"))
        name = f"{fluid} Metalworking Fluid, {pack}"
        cost = 15 * factor
    else:
        metal = _pick(rng, ("Copper", "Nickel", "Aluminum"))
        size = _pick(rng, ("8 oz Brush Top", "1 lb Can", "2.5 lb Can"))
        name = f"Anti-Seize Compound, {metal}, {size}"
        cost = 11 + (14 if metal == "Nickel" else 0) + (18 if size.startswith("2.5") else 0)
    return ItemSpec(name, "EA", _cost(cost, rng))


def _container(rng: random.Random) -> tuple[str, float]:
    return (("1 gal Jug", 1.0), ("5 gal Pail", 4.6), ("55 gal Drum", 46.0))[rng.randrange(3)]


_BOXES = ("12 x 12 x 12", "16 x 12 x 10", "18 x 18 x 18", "24 x 18 x 18", "24 x 24 x 24")


def packaging(rng: random.Random) -> ItemSpec:
    """Boxes, stretch film, pallets and strapping used to ship goods."""
    cost: float
    kind = rng.randrange(4)
    if kind == 0:
        dims = _pick(rng, _BOXES)
        name = f"Corrugated Shipping Box, {dims} in, 200 lb Test, Bundle of 25"
        cost = 14 + 0.9 * int(dims.split(" x ")[0])
    elif kind == 1:
        gauge = _pick(rng, ("63", "70", "80"))
        width = _pick(rng, ("18", "20"))
        name = f"Stretch Film, {width} in x 1500 ft, {gauge} Gauge, Case of 4"
        cost = 52 + 0.4 * int(gauge)
    elif kind == 2:
        kind_text = _pick(rng, ("Heat Treated", "Standard", "Heavy Duty"))
        name = f"Hardwood Pallet 48 x 40 in, 4-Way Entry, {kind_text}"
        cost = 11 + (4 if kind_text != "Standard" else 0)
    else:
        width = _pick(rng, ("1/2", "5/8", "3/4"))
        name = f"Polyester Strapping, {width} in x 4000 ft Coil, Embossed"
        cost = 48 + 40 * _inch_value(width)
    return ItemSpec(name, "EA", _cost(cost, rng))


def assembly(rng: random.Random) -> ItemSpec:
    """Equipment the company builds in its plant from purchased components."""
    cost: float
    kind = rng.randrange(6)
    text, hp, _ = _HP[rng.randrange(3, len(_HP))]
    number = rng.randrange(100, 990)
    if kind == 0:
        size = _pick(rng, ("2 x 1-1/2", "3 x 2", "4 x 3"))
        name = f"Duplex Pump Skid, {text} HP, {size} in, Model PS-{number}"
        cost = 4200 + 520 * hp
    elif kind == 1:
        gallons = _pick(rng, ("10", "20", "40", "60"))
        name = f"Hydraulic Power Unit, {text} HP, {gallons} gal Reservoir, Model HPU-{number}"
        cost = 3100 + 300 * hp + 25 * int(gallons)
    elif kind == 2:
        starters = rng.randrange(2, 9)
        name = f"Motor Control Panel, {starters} Starters, NEMA 12, Model MCP-{number}"
        cost = 2600 + 850 * starters
    elif kind == 3:
        ratio = _pick(rng, ("10", "15", "20", "30", "40"))
        name = f"Conveyor Drive Package, {text} HP, {ratio}:1, Model CDP-{number}"
        cost = 1700 + 260 * hp
    elif kind == 4:
        name = f"Booster Pump System, {text} HP, Variable Speed, Model BPS-{number}"
        cost = 5200 + 610 * hp
    else:
        gallons = _pick(rng, ("15", "30", "55"))
        micron = _pick(rng, ("3", "10"))
        name = f"Filter Lube Oil Cart, {gallons} gal, {micron} Micron, Model LOC-{number}"
        cost = 1450 + 18 * int(gallons)
    return ItemSpec(name, "EA", _cost(cost, rng))


_C = Category
CATEGORIES: tuple[Category, ...] = (
    _C("FST", "Fasteners", "RESALE", 18, fastener, (1, 24), (6, 30), (55, 95), is_component=True),
    _C("BRG", "Bearings", "RESALE", 12, bearing, (1, 12), (4, 20), (35, 70), is_component=True),
    _C("PTR", "Power Transmission", "RESALE", 8, power_transmission, (1, 10), (4, 16), (35, 65)),
    _C("MTR", "Motors & Drives", "RESALE", 7, motor, (1, 3), (2, 6), (22, 40), is_component=True),
    _C("PMP", "Pumps", "RESALE", 6, pump, (1, 2), (2, 5), (25, 45), is_component=True),
    _C("VLV", "Valves", "RESALE", 8, valve, (1, 8), (3, 12), (35, 60)),
    _C("HYD", "Hydraulics", "RESALE", 6, hydraulic, (1, 6), (3, 12), (35, 60), is_component=True),
    _C("PNU", "Pneumatics", "RESALE", 5, pneumatic, (1, 8), (4, 12), (40, 65)),
    _C("ELC", "Electrical", "RESALE", 8, electrical, (1, 10), (4, 16), (35, 60), is_component=True),
    _C("STL", "Steel & Metals", "RAW", 8, steel, (2, 40), (5, 25), (18, 35), is_component=True),
    _C("SAF", "Safety & MRO", "RESALE", 5, safety, (1, 20), (5, 20), (40, 80)),
    _C("LUB", "Lubricants", "RESALE", 3, lubricant, (1, 8), (4, 12), (30, 55)),
    _C("PKG", "Packaging", "RAW", 2, packaging, (1, 1), (20, 80), (20, 30), is_sold=False),
    _C("ASM", "Engineered Assemblies", "FG", 4, assembly, (1, 1), (1, 1), (30, 45), True, False),
)
CATEGORY_BY_CODE = {category.code: category for category in CATEGORIES}

#: the product line (CLASS dimension value) of the service items
SERVICE_CLASS = ("SVC", "Services")

#: non-stock service items every demo company has: (id, name, unit, cost, price, purchased)
SERVICE_ITEMS = (
    ("SVC-FREIGHT", "Freight and Handling", "EA", "0", "0", True),
    ("SVC-REPAIR", "Pump and Motor Repair Labor", "HR", "48", "115", False),
    ("SVC-FIELD", "Field Service Technician", "HR", "55", "135", False),
)

#: what a supplier of each product line is called
SUPPLIER_TRADES = {
    "FST": ("Fastener Supply", "Bolt & Screw", "Fastener Works"),
    "BRG": ("Bearing Company", "Bearings & Drives", "Precision Bearings"),
    "PTR": ("Power Transmission", "Drive Components", "Belt & Chain"),
    "MTR": ("Electric Motor", "Motors & Controls", "Drive Systems"),
    "PMP": ("Pump Works", "Pump Company", "Fluid Handling"),
    "VLV": ("Valve & Fitting", "Flow Control", "Valve Company"),
    "HYD": ("Hydraulics", "Fluid Power", "Hose & Fitting"),
    "PNU": ("Pneumatics", "Air Controls", "Automation Components"),
    "ELC": ("Electrical Supply", "Controls & Sensors", "Electric Products"),
    "STL": ("Steel Service", "Metals", "Steel & Aluminum"),
    "SAF": ("Safety Products", "Industrial Safety", "Protective Wear"),
    "LUB": ("Lubricants", "Oil & Grease", "Lubrication Products"),
    "PKG": ("Packaging", "Container", "Pallet & Box"),
}
OVERSEAS_TRADES = {
    "DE": ("Wälzlager", "Antriebstechnik", "Pumpenwerk"),
    "IT": ("Valvole", "Oleodinamica", "Pompe Industriali"),
    "JP": ("Seimitsu Bearing", "Precision Motion", "Hydraulic Works"),
}
#: the product lines overseas suppliers sell
OVERSEAS_CATEGORIES = {
    "DE": ("BRG", "PTR", "PMP"),
    "IT": ("VLV", "HYD", "PMP"),
    "JP": ("BRG", "MTR", "HYD"),
}
