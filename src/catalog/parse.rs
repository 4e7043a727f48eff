//! Decoding `actions.bin`: zlib, then the tab-separated records scripts/gen-catalog.mjs writes.

use super::{AccessLevel, Action, Catalog, CatalogError, Service};
use std::collections::BTreeMap;
use std::io::Read;

pub(super) fn decode(data: &[u8]) -> Result<Catalog, CatalogError> {
    let mut text = String::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_string(&mut text)
        .map_err(|e| CatalogError(format!("decompression: {e}")))?;
    parse(&text)
}

pub(super) fn parse(text: &str) -> Result<Catalog, CatalogError> {
    let bad = |n: usize, what: &str| CatalogError(format!("line {}: {what}", n + 1));
    let mut lines = text.lines().enumerate();
    let source_version = match lines.next().map(|(_, l)| l.split('\t').collect::<Vec<_>>()) {
        Some(h) if h.len() == 3 && h[0] == "iamform-catalog" && h[1] == "1" => h[2].to_owned(),
        _ => return Err(bad(0, "not an iamform catalog, version 1")),
    };
    let mut services: BTreeMap<String, Service> = BTreeMap::new();
    let mut current: Option<Service> = None;
    for (n, line) in lines {
        let mut fields = line.split('\t');
        match fields.next() {
            Some("S") => {
                let (Some(prefix), Some(name)) = (fields.next(), fields.next()) else {
                    return Err(bad(n, "a service needs a prefix and a name"));
                };
                if let Some(s) = current.take() {
                    services.insert(s.prefix.to_ascii_lowercase(), s);
                }
                current = Some(Service {
                    prefix: prefix.to_owned(),
                    name: name.to_owned(),
                    actions: Vec::new(),
                    condition_keys: Vec::new(),
                });
            }
            Some("K") => {
                let s = current
                    .as_mut()
                    .ok_or_else(|| bad(n, "condition keys before a service"))?;
                s.condition_keys = fields.map(str::to_owned).collect();
            }
            Some("A") => {
                let s = current
                    .as_mut()
                    .ok_or_else(|| bad(n, "an action before a service"))?;
                let (Some(name), Some(level), Some(keys)) =
                    (fields.next(), fields.next(), fields.next())
                else {
                    return Err(bad(n, "an action needs a name, a level and keys"));
                };
                let level = match level {
                    "L" => AccessLevel::List,
                    "R" => AccessLevel::Read,
                    "W" => AccessLevel::Write,
                    "P" => AccessLevel::PermissionsManagement,
                    "T" => AccessLevel::Tagging,
                    _ => return Err(bad(n, "unknown access level")),
                };
                let keys = keys
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        k.parse::<u16>()
                            .ok()
                            .filter(|i| usize::from(*i) < s.condition_keys.len())
                    })
                    .collect::<Option<Vec<u16>>>()
                    .ok_or_else(|| bad(n, "bad condition key index"))?;
                s.actions.push(Action {
                    name: name.to_owned(),
                    level,
                    keys,
                });
            }
            Some("") | None => {}
            Some(_) => return Err(bad(n, "unknown record")),
        }
    }
    if let Some(s) = current.take() {
        services.insert(s.prefix.to_ascii_lowercase(), s);
    }
    for s in services.values_mut() {
        s.actions
            .sort_by_cached_key(|a| a.name.to_ascii_lowercase());
        s.actions
            .dedup_by(|a, b| a.name.eq_ignore_ascii_case(&b.name));
    }
    Ok(Catalog {
        source_version,
        services,
    })
}
