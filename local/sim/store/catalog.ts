/** Vocabulary for the generated store. Plain data; the generators pick from it. */

export interface ProductTypeSpec {
  type: string;
  basePriceCents: number;
  /** Option name and values; none means a single "Default Title" variant. */
  option?: { name: string; values: readonly string[]; priceStepCents: number };
  skuCode: string;
}

export const PRODUCT_TYPES: readonly ProductTypeSpec[] = [
  { type: "T-Shirt", basePriceCents: 2400, skuCode: "TEE", option: { name: "Size", values: ["S", "M", "L", "XL", "2XL"], priceStepCents: 0 } },
  { type: "Hoodie", basePriceCents: 5500, skuCode: "HOD", option: { name: "Size", values: ["S", "M", "L", "XL"], priceStepCents: 0 } },
  { type: "Poster", basePriceCents: 1800, skuCode: "PST", option: { name: "Size", values: ["A3", "A2", "A1"], priceStepCents: 700 } },
  { type: "Art Print", basePriceCents: 3500, skuCode: "PRT", option: { name: "Size", values: ["8x10", "11x14", "16x20"], priceStepCents: 1000 } },
  { type: "Mug", basePriceCents: 1600, skuCode: "MUG" },
  { type: "Sticker Pack", basePriceCents: 800, skuCode: "STK" },
  { type: "Tote Bag", basePriceCents: 2200, skuCode: "TOT" },
  { type: "Cap", basePriceCents: 2800, skuCode: "CAP", option: { name: "Color", values: ["Black", "Navy", "Sand"], priceStepCents: 0 } },
  { type: "Enamel Pin", basePriceCents: 1200, skuCode: "PIN" },
];

export const VENDORS = ["Northline Print Co.", "Studio Magpie", "Inkwell Supply", "Harbor & Pine", "In-house"] as const;
export const ADJECTIVES = ["Midnight", "Retro", "Botanical", "Coastal", "Neon", "Vintage", "Minimal", "Wild", "Cosmic", "Urban", "Golden", "Misty"] as const;
export const NOUNS = ["Fox", "Wave", "Mountain", "Cat", "Skyline", "Bloom", "Tiger", "Moon", "Cactus", "Bicycle", "Lighthouse", "Owl"] as const;
export const PRODUCT_TAGS = ["bestseller", "new", "limited", "eco", "gift", "sale"] as const;

export const FIRST_NAMES = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Chloe", "Leo", "Zoe", "Omar", "Priya", "Hiro", "Sofia", "Mateo", "Amara", "Jonas", "Ines", "Kai"] as const;
export const LAST_NAMES = ["Smith", "Tremblay", "Nguyen", "Garcia", "Martin", "Roy", "Patel", "Kim", "Müller", "Rossi", "Okafor", "Dubois", "Silva", "Cohen", "Walker", "Lee", "Novak", "Haddad"] as const;

export interface AddressSpec {
  city: string;
  province: string | null;
  provinceCode: string | null;
  zip: string;
}

export interface CountrySpec {
  name: string;
  code: string;
  taxRate: number;
  carrier: string;
  addresses: readonly AddressSpec[];
}

export const COUNTRIES: Record<string, CountrySpec> = {
  CA: {
    name: "Canada", code: "CA", taxRate: 0.13, carrier: "Canada Post",
    addresses: [
      { city: "Toronto", province: "Ontario", provinceCode: "ON", zip: "M5V 2T6" },
      { city: "Montreal", province: "Quebec", provinceCode: "QC", zip: "H2X 1Y4" },
      { city: "Vancouver", province: "British Columbia", provinceCode: "BC", zip: "V6B 1A1" },
      { city: "Calgary", province: "Alberta", provinceCode: "AB", zip: "T2P 1J9" },
    ],
  },
  US: {
    name: "United States", code: "US", taxRate: 0.07, carrier: "USPS",
    addresses: [
      { city: "New York", province: "New York", provinceCode: "NY", zip: "10001" },
      { city: "Austin", province: "Texas", provinceCode: "TX", zip: "78701" },
      { city: "Portland", province: "Oregon", provinceCode: "OR", zip: "97205" },
      { city: "Chicago", province: "Illinois", provinceCode: "IL", zip: "60601" },
    ],
  },
  GB: {
    name: "United Kingdom", code: "GB", taxRate: 0.2, carrier: "Royal Mail",
    addresses: [
      { city: "London", province: "England", provinceCode: "ENG", zip: "EC1A 1BB" },
      { city: "Manchester", province: "England", provinceCode: "ENG", zip: "M1 1AE" },
      { city: "Edinburgh", province: "Scotland", provinceCode: "SCT", zip: "EH1 1YZ" },
    ],
  },
  DE: {
    name: "Germany", code: "DE", taxRate: 0.19, carrier: "DHL Express",
    addresses: [
      { city: "Berlin", province: null, provinceCode: null, zip: "10115" },
      { city: "Hamburg", province: null, provinceCode: null, zip: "20095" },
    ],
  },
  AU: {
    name: "Australia", code: "AU", taxRate: 0.1, carrier: "Australia Post",
    addresses: [
      { city: "Sydney", province: "New South Wales", provinceCode: "NSW", zip: "2000" },
      { city: "Melbourne", province: "Victoria", provinceCode: "VIC", zip: "3000" },
    ],
  },
  JP: {
    name: "Japan", code: "JP", taxRate: 0.1, carrier: "Japan Post",
    addresses: [{ city: "Tokyo", province: "Tokyo", provinceCode: "JP-13", zip: "100-0001" }],
  },
};

export const SHOP_PROFILES = [
  { name: "Magpie Merch Co.", handle: "magpie-merch", country: "CA", currency: "CAD", timezone: "America/Toronto" },
  { name: "Foxglove Prints", handle: "foxglove-prints", country: "US", currency: "USD", timezone: "America/New_York" },
  { name: "Lantern & Ink", handle: "lantern-and-ink", country: "GB", currency: "GBP", timezone: "Europe/London" },
  { name: "Wattle Goods", handle: "wattle-goods", country: "AU", currency: "AUD", timezone: "Australia/Sydney" },
] as const;

export const STREETS = ["Queen St W", "Main St", "King St", "Elm Ave", "Harbour Rd", "Market St", "Park Lane", "Station Rd"] as const;

export const ORDER_NOTES = [
  "Please gift wrap",
  "Leave at the side door",
  "Customer asked for a matte finish",
  "Needed before the 15th",
  "Print the name in capitals",
] as const;

export const DISCOUNT_CODES = [
  { code: "WELCOME10", percent: 10 },
  { code: "SUMMER15", percent: 15 },
  { code: "FRIENDS20", percent: 20 },
] as const;

export const CANCEL_REASONS = ["CUSTOMER", "INVENTORY", "FRAUD", "DECLINED", "OTHER"] as const;

export const LOCATIONS = [
  { name: "Main Warehouse", isActive: true, city: "primary" },
  { name: "Print Studio", isActive: true, city: "secondary" },
  { name: "Old Pop-up Shop", isActive: false, city: "secondary" },
] as const;
