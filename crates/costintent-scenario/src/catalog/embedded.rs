//! The catalog files compiled into the binary, parsed once per process.

use std::sync::OnceLock;

use super::Catalog;
use crate::prices::Origin;

/// The embedded files, one per provider, in load order.
pub(crate) const FILES: [(&str, &str); 6] = [
    ("catalog/anthropic.toml", include_str!("../../catalog/anthropic.toml")),
    ("catalog/openai.toml", include_str!("../../catalog/openai.toml")),
    ("catalog/google.toml", include_str!("../../catalog/google.toml")),
    ("catalog/runway.toml", include_str!("../../catalog/runway.toml")),
    ("catalog/fal.toml", include_str!("../../catalog/fal.toml")),
    ("catalog/openrouter.toml", include_str!("../../catalog/openrouter.toml")),
];

/// The parsed embedded catalog.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    // The embedded files are checked by the test suite
    // (`embedded_catalog_parses`); failing here is a build defect, never
    // bad user input, so it may panic.
    CATALOG.get_or_init(|| {
        parse().unwrap_or_else(|e| {
            panic!("the embedded pricing catalog is invalid (a build defect): {e}")
        })
    })
}

/// Parses the embedded files.
pub(crate) fn parse() -> Result<Catalog, super::CatalogError> {
    let mut catalog = Catalog::default();
    for (name, text) in FILES {
        catalog.add_file(name, text, &Origin::Catalog)?;
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_catalog_parses() {
        if let Err(e) = super::parse() {
            panic!("{e}");
        }
    }
}
