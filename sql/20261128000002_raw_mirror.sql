-- migrate:up
-- The raw mirror (SPEC section 5): one row per Shopify object, keyed by its
-- GID, with the columns queries need and the whole node in `payload`.
-- `updated_at` is Shopify's; a write only lands when it is not older than the
-- row it replaces (see f/lib/ingest). Deletes are soft (`deleted_at`).

create extension if not exists pg_trgm;

create table raw_shopify_orders (
  id                    text primary key,
  legacy_id             bigint,
  name                  text not null,
  created_at            timestamptz not null,
  updated_at            timestamptz not null,
  processed_at          timestamptz,
  cancelled_at          timestamptz,
  cancel_reason         text,
  closed_at             timestamptz,
  financial_status      text,
  fulfillment_status    text,
  tags                  text[] not null default '{}',
  note                  text,
  test                  boolean not null default false,
  currency              text not null,
  total_price           numeric(18, 4),
  subtotal_price        numeric(18, 4),
  total_discounts       numeric(18, 4),
  total_tax             numeric(18, 4),
  total_shipping        numeric(18, 4),
  total_refunded        numeric(18, 4),
  customer_id           text,
  shipping_country_code text,
  shipping_province_code text,
  deleted_at            timestamptz,
  payload               jsonb not null,
  synced_at             timestamptz not null default now()
);
create index raw_shopify_orders_updated_idx on raw_shopify_orders (updated_at);
create index raw_shopify_orders_processed_idx on raw_shopify_orders (processed_at);
create index raw_shopify_orders_customer_idx on raw_shopify_orders (customer_id);

create table raw_shopify_line_items (
  id                    text primary key,
  order_id              text not null,          -- no FK: children may arrive before their parent
  sku                   text,
  title                 text,
  variant_title         text,
  quantity              integer not null,
  current_quantity      integer,
  variant_id            text,
  product_id            text,
  unit_price            numeric(18, 4),
  discounted_unit_price numeric(18, 4),
  total_discount        numeric(18, 4),
  updated_at            timestamptz not null,   -- the order's updatedAt (line items have none)
  deleted_at            timestamptz,
  payload               jsonb not null,
  synced_at             timestamptz not null default now()
);
create index raw_shopify_line_items_order_idx on raw_shopify_line_items (order_id);
create index raw_shopify_line_items_variant_idx on raw_shopify_line_items (variant_id);

create table raw_shopify_fulfillments (
  id               text primary key,
  order_id         text not null,
  status           text,
  display_status   text,
  created_at       timestamptz,
  updated_at       timestamptz not null,
  tracking_company text,
  tracking_number  text,
  tracking_url     text,
  deleted_at       timestamptz,
  payload          jsonb not null,
  synced_at        timestamptz not null default now()
);
create index raw_shopify_fulfillments_order_idx on raw_shopify_fulfillments (order_id);

create table raw_shopify_refunds (
  id             text primary key,
  order_id       text not null,
  created_at     timestamptz,
  note           text,
  total_refunded numeric(18, 4),
  updated_at     timestamptz not null,          -- the order's updatedAt
  deleted_at     timestamptz,
  payload        jsonb not null,
  synced_at      timestamptz not null default now()
);
create index raw_shopify_refunds_order_idx on raw_shopify_refunds (order_id);

create table raw_shopify_products (
  id            text primary key,
  legacy_id     bigint,
  title         text not null,
  handle        text,
  status        text,
  vendor        text,
  product_type  text,
  tags          text[] not null default '{}',
  created_at    timestamptz,
  updated_at    timestamptz not null,
  published_at  timestamptz,
  deleted_at    timestamptz,
  payload       jsonb not null,
  synced_at     timestamptz not null default now()
);
create index raw_shopify_products_updated_idx on raw_shopify_products (updated_at);

create table raw_shopify_variants (
  id                 text primary key,
  product_id         text not null,
  legacy_id          bigint,
  sku                text,
  barcode            text,
  title              text,
  price              numeric(18, 4),
  compare_at_price   numeric(18, 4),
  position           integer,
  inventory_quantity integer,
  inventory_item_id  text,
  created_at         timestamptz,
  updated_at         timestamptz not null,
  deleted_at         timestamptz,
  payload            jsonb not null,
  synced_at          timestamptz not null default now()
);
create index raw_shopify_variants_product_idx on raw_shopify_variants (product_id);
create index raw_shopify_variants_sku_idx on raw_shopify_variants (sku);
create index raw_shopify_variants_item_idx on raw_shopify_variants (inventory_item_id);

create table raw_shopify_customers (
  id               text primary key,
  legacy_id        bigint,
  first_name       text,
  last_name        text,
  email            text,
  state            text,
  tags             text[] not null default '{}',
  number_of_orders bigint,
  amount_spent     numeric(18, 4),
  currency         text,
  created_at       timestamptz,
  updated_at       timestamptz not null,
  deleted_at       timestamptz,
  payload          jsonb not null,
  synced_at        timestamptz not null default now()
);
create index raw_shopify_customers_email_idx on raw_shopify_customers (lower(email));

create table raw_shopify_locations (
  id          text primary key,
  name        text not null,
  is_active   boolean not null default true,
  updated_at  timestamptz not null,             -- the snapshot time (locations carry no updatedAt)
  deleted_at  timestamptz,
  payload     jsonb not null,
  synced_at   timestamptz not null default now()
);

create table raw_shopify_inventory_levels (
  id                text primary key,
  location_id       text not null,
  inventory_item_id text,
  sku               text,
  available         integer,
  on_hand           integer,
  committed         integer,
  incoming          integer,
  reserved          integer,
  updated_at        timestamptz not null,
  deleted_at        timestamptz,
  payload           jsonb not null,
  synced_at         timestamptz not null default now()
);
create index raw_shopify_inventory_levels_location_idx on raw_shopify_inventory_levels (location_id);
create index raw_shopify_inventory_levels_item_idx on raw_shopify_inventory_levels (inventory_item_id);

-- migrate:down
drop table raw_shopify_inventory_levels;
drop table raw_shopify_locations;
drop table raw_shopify_customers;
drop table raw_shopify_variants;
drop table raw_shopify_products;
drop table raw_shopify_refunds;
drop table raw_shopify_fulfillments;
drop table raw_shopify_line_items;
drop table raw_shopify_orders;
drop extension if exists pg_trgm;
