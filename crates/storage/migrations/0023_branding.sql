-- Hosted UI branding.
--
-- Classic customization (SetUICustomization): a pool's default style (client NULL, Cognito's
-- ClientId `ALL`) and app clients' own, each a CSS text as given and a logo. A client's row
-- goes with the client.
CREATE TABLE ui_customizations (
    pk          INTEGER PRIMARY KEY,
    pool        INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    client      INTEGER REFERENCES app_clients(pk) ON DELETE CASCADE,
    css         TEXT,
    image       BLOB,
    image_type  TEXT,                   -- 'image/png' or 'image/jpeg' when image is set
    css_version TEXT NOT NULL,          -- changes with every SetUICustomization
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
-- One default per pool, one style per client.
CREATE UNIQUE INDEX ui_customizations_scope ON ui_customizations(pool, ifnull(client, 0));

-- Managed login branding styles: at most one per app client.
CREATE TABLE managed_login_brandings (
    pk          INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,   -- ManagedLoginBrandingId (a UUID v4)
    pool        INTEGER NOT NULL REFERENCES user_pools(pk) ON DELETE CASCADE,
    client      INTEGER NOT NULL UNIQUE REFERENCES app_clients(pk) ON DELETE CASCADE,
    use_cognito_provided_values INTEGER NOT NULL,
    settings    TEXT,                   -- JSON object as given (Settings), NULL when none
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

-- A style's assets, one per category and colour mode.
CREATE TABLE managed_login_branding_assets (
    branding    INTEGER NOT NULL REFERENCES managed_login_brandings(pk) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    color_mode  TEXT NOT NULL,
    extension   TEXT NOT NULL,
    bytes       BLOB,
    resource_id TEXT,
    PRIMARY KEY (branding, category, color_mode)
) STRICT;
