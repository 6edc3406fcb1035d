"""Word lists for the seeded world: invented companies, people and places (no real people)."""

COMPANY_FIRST = [
    "Amber", "Birch", "Cobalt", "Copper", "Cedar", "Driftwood", "Ember", "Fernway", "Granite", "Harbor",
    "Indigo", "Juniper", "Kestrel", "Lantern", "Maple", "Northwind", "Oakridge", "Pinecrest", "Quarry",
    "Redwood", "Saffron", "Tidewater", "Upland", "Violet", "Willow", "Yarrow", "Zephyr", "Bluestem",
    "Clearwater", "Silverline",
]
COMPANY_SECOND = [
    "Analytics", "Bakery", "Builders", "Cartography", "Dental Studio", "Design", "Electric", "Foods",
    "Freight", "Gardens", "Hardware", "Interiors", "Labs", "Logistics", "Machining", "Media", "Outfitters",
    "Pharmacy", "Plumbing", "Printing", "Robotics", "Roofing", "Software", "Textiles", "Veterinary",
    "Woodworks",
]
COMPANY_SUFFIX = ["LLC", "Inc.", "Co.", "Group", "Partners", "Corp."]

CARRIERS = [
    # (display name, internal name, states, extra lines beyond medical/dental/vision)
    ("Bluebonnet Health", "bluebonnet_health", "TX", ["life-basic", "std-basic"]),
    ("Summit Mutual Life", "summit_mutual", "CO", ["life-basic", "ltd-basic"]),
    ("Pacific Crest Benefits", "pacific_crest", "CA", ["accident-voluntary"]),
    ("Great Lakes Dental Trust", "great_lakes_dental", "MI", []),
    ("Evergreen Assurance", "evergreen_assurance", "WA", ["life-basic"]),
    ("Harborview Health Plan", "harborview", "MA", ["std-basic", "ltd-basic"]),
    ("Prairie Shield", "prairie_shield", "KS", ["life-basic"]),
    ("Desert Bloom Insurance", "desert_bloom", "AZ", ["accident-voluntary"]),
    ("Keystone Family Care", "keystone_family", "PA", ["life-basic", "std-basic"]),
    ("Magnolia Benefit Co.", "magnolia_benefit", "GA", []),
    ("Granite State Mutual", "granite_state", "NH", ["ltd-basic"]),
    ("Lone Pine Vision", "lone_pine_vision", "NV", []),
]

FIRST_NAMES_F = [
    "Avery", "Bianca", "Celeste", "Dahlia", "Elena", "Fiona", "Gemma", "Hazel", "Iris", "Juno", "Keira",
    "Lorna", "Mireille", "Nadia", "Odette", "Priya", "Quinn", "Rosalind", "Selma", "Talia",
]
FIRST_NAMES_M = [
    "Anselm", "Bram", "Caspian", "Dorian", "Emeric", "Felix", "Gideon", "Hollis", "Ivo", "Jasper", "Kenji",
    "Leander", "Marek", "Nico", "Orrin", "Pascal", "Rafferty", "Soren", "Tobin", "Wendell",
]
LAST_NAMES = [
    "Ashgrove", "Bellweather", "Castellane", "Dunmore", "Everhart", "Fairbrook", "Galloway", "Hawthorne",
    "Ironwood", "Jessamy", "Kingsley", "Larkspur", "Merriweather", "Northcott", "Oakhurst", "Penrose",
    "Quillfeather", "Ravenscroft", "Stormwell", "Thistledown", "Underhill", "Valcourt", "Whitlock",
    "Yardley",
]
STREETS = ["Alder", "Beacon", "Chestnut", "Dogwood", "Elm", "Foxglove", "Garnet", "Hickory", "Ivy", "Laurel"]
STREET_KINDS = ["St", "Ave", "Ln", "Rd", "Way", "Ct"]
CITIES = [
    ("Fairhaven", "TX"), ("Millbrook", "CA"), ("Riverton", "CO"), ("Lakeshore", "MI"), ("Brookfield", "WA"),
    ("Stonebridge", "MA"), ("Maple Falls", "KS"), ("Sun Mesa", "AZ"), ("Hollowell", "PA"), ("Oak Bluff", "GA"),
]
OCCUPATIONS = ["Analyst", "Technician", "Designer", "Engineer", "Coordinator", "Manager", "Associate", "Specialist"]
