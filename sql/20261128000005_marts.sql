-- migrate:up
-- Marts (SPEC section 7, S3): what the console and reports read, derived
-- from the raw mirror by f/lib/marts (refresh.ts: incremental for a set of
-- order ids, or a full rebuild; both give the same rows). Classification
-- rules are data (classification_rules), edited by Ops through
-- f/mart/update_rule (audited); the rules themselves are documented in
-- f/lib/classify/index.ts. Test and deleted orders are left out of every mart.

-- What Shopify says about the shop (timezone, currency, country). One row;
-- the sync keeps it current (f/lib/marts/settings.ts saveShopSettings).
create table shop_settings (
  id           boolean primary key default true check (id),
  timezone     text not null default 'UTC',   -- IANA name: days and business days are the shop's
  currency     text not null default 'USD',   -- shop currency: money in marts is shopMoney
  country_code text not null default 'US',    -- domestic = shipping country equals this
  updated_at   timestamptz not null default now()
);
insert into shop_settings default values;

-- Thresholds, tags and SLA parameters, one JSON value per key. The value's
-- shape per key is checked by f/lib/classify/rules.ts (zod) before a write.
create table classification_rules (
  key         text primary key,
  value       jsonb not null,
  description text not null,
  updated_at  timestamptz not null default now(),
  updated_by  text not null default 'migration'
);
insert into classification_rules (key, value, description) values
  ('value_tier.high_min',                  '500',         'Order total (shop currency) at or above which an order is high value'),
  ('value_tier.mid_min',                   '100',         'Order total (shop currency) at or above which an order is mid value (below: low)'),
  ('production_type.custom_product_tags',  '["custom"]',  'Product tags that make a line need artwork (case-insensitive)'),
  ('production_type.design_attribute_keys','["design"]',  'Line item attribute keys naming a design; a non-empty value makes the line need artwork (case-insensitive)'),
  ('priority.rush_order_tags',             '["rush"]',    'Order tags that make an order rush (case-insensitive)'),
  ('priority.express_shipping_keywords',   '["express"]', 'Words in a shipping line title or code that make an order rush (case-insensitive substring)'),
  ('customer_type.wholesale_tags',         '["wholesale"]', 'Customer (or order) tags that make an order wholesale (case-insensitive)'),
  ('sla.stock_business_days',              '2',           'Business days to fulfil an order with stock lines only'),
  ('sla.custom_business_days',             '5',           'Business days to fulfil an order with a line that needs artwork (custom or mixed)'),
  ('sla.rush_divisor',                     '2',           'Rush orders get ceil(days / divisor) business days'),
  ('sla.weekend_days',                     '[0, 6]',      'Days of the week that are not business days (0 = Sunday ... 6 = Saturday)'),
  ('sla.holidays',                         '[]',          'Dates (YYYY-MM-DD, shop timezone) that are not business days');

-- One row per order (not test, not deleted) with its classification and SLA.
create table mart_orders (
  order_id          text primary key,
  name              text not null,
  customer_id       text,
  processed_at      timestamptz not null,        -- coalesce(processed_at, created_at)
  shop_day          date not null,               -- processed_at's day in the shop timezone
  currency          text not null,
  total_price       numeric(18, 4) not null,     -- what value_tier compares
  gross_sales       numeric(18, 4) not null,     -- sum of line unit price x quantity
  discounts         numeric(18, 4) not null,     -- sum of line discounts
  refunds           numeric(18, 4) not null,     -- merchandise refunded (see f/lib/marts/sql.ts)
  net_sales         numeric(18, 4) not null,     -- gross - discounts - refunds
  units             integer not null,
  line_count        integer not null,
  production_type   text not null check (production_type in ('custom', 'stock', 'mixed')),
  priority          text not null check (priority in ('rush', 'standard')),
  value_tier        text not null check (value_tier in ('high', 'mid', 'low')),
  destination       text not null check (destination in ('domestic', 'international')),
  customer_type     text not null check (customer_type in ('wholesale', 'returning', 'new')),
  status            text not null check (status in ('open', 'fulfilled', 'cancelled', 'refunded')),
  sla_business_days integer not null,
  due_at            timestamptz not null,
  fulfilled_at      timestamptz,                 -- last fulfillment, once fully fulfilled
  order_updated_at  timestamptz not null,
  refreshed_at      timestamptz not null default now()
);
create index mart_orders_day_idx on mart_orders (shop_day);
create index mart_orders_queue_idx on mart_orders (status, due_at);
create index mart_orders_customer_idx on mart_orders (customer_id);

-- Sales per shop day (of processed_at, as Shopify's reports), product type and
-- classification. product_type '(all)' rows are whole orders (their order
-- count is exact); the other rows split each order's lines by product type
-- ('(none)' = a line without a product), so an order with two product types
-- counts once in each. Sum either the '(all)' rows or the per-type rows.
create table mart_daily_sales (
  day             date not null,
  product_type    text not null,
  production_type text not null,
  priority        text not null,
  value_tier      text not null,
  destination     text not null,
  customer_type   text not null,
  status          text not null,
  orders          integer not null,
  units           integer not null,
  gross_sales     numeric(18, 4) not null,
  discounts       numeric(18, 4) not null,
  refunds         numeric(18, 4) not null,
  net_sales       numeric(18, 4) not null,
  primary key (day, product_type, production_type, priority, value_tier, destination, customer_type, status)
);

-- Units per variant and shop day (orders not cancelled): the small table
-- velocity windows are summed from, kept incrementally by day.
create table mart_variant_daily_units (
  variant_id text not null,
  day        date not null,
  units      integer not null,
  primary key (variant_id, day)
);
create index mart_variant_daily_units_day_idx on mart_variant_daily_units (day);

-- Units sold per variant over the 7/30/90 shop days ending on as_of_day (included).
create table mart_sku_velocity (
  variant_id          text primary key,
  product_id          text,
  sku                 text,
  product_type        text,
  units_7d            integer not null,
  units_30d           integer not null,
  units_90d           integer not null,
  avg_daily_units_30d numeric(12, 4) not null,
  as_of_day           date not null,
  refreshed_at        timestamptz not null default now()
);

-- Stock per variant and location, with days of cover = available / average
-- daily units over 30 days (null when the variant did not sell).
create table mart_inventory_health (
  variant_id          text not null,
  location_id         text not null,
  inventory_item_id   text,
  product_id          text,
  sku                 text,
  location_name       text,
  location_active     boolean not null,
  on_hand             integer not null,
  committed           integer not null,
  available           integer not null,
  incoming            integer not null,
  avg_daily_units_30d numeric(12, 4) not null,
  days_of_cover       numeric(12, 1),
  as_of_day           date not null,
  refreshed_at        timestamptz not null default now(),
  primary key (variant_id, location_id)
);

-- When marts were last rebuilt, and against which rules: an incremental
-- refresh after a rule or setting change rebuilds in full instead.
create table mart_refresh_state (
  id                boolean primary key default true check (id),
  last_full_at      timestamptz,
  last_refresh_at   timestamptz,
  rules_version_at  timestamptz                  -- newest rule/setting change seen by the last full rebuild
);
insert into mart_refresh_state default values;

-- migrate:down
drop table mart_refresh_state;
drop table mart_inventory_health;
drop table mart_sku_velocity;
drop table mart_variant_daily_units;
drop table mart_daily_sales;
drop table mart_orders;
drop table classification_rules;
drop table shop_settings;
