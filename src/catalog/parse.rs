//! Decoding `actions.bin`: zlib, then the tab-separated records scripts/gen-catalog.mjs writes
//! (format 2: services, condition keys, resource types and actions).

use super::{
    placeholders_as_wildcards, AccessLevel, Action, ActionResource, ArnPattern, Catalog,
    CatalogError, ResourceType, Service,
};
use std::collections::BTreeMap;
use std::io::Read;

pub(super) fn decode(data: &[u8]) -> Result<Catalog, CatalogError> {
    let mut text = String::new();
    flate2::read::ZlibDecoder::new(data)
        .read_to_string(&mut text)
        .map_err(|e| CatalogError(format!("decompression: {e}")))?;
    parse(&text)
}

/// `3,5,9` -> indexes below `len`; empty for an empty field.
fn indexes(field: &str, len: usize) -> Option<Vec<u16>> {
    field
        .split(',')
        .filter(|k| !k.is_empty())
        .map(|k| k.parse::<u16>().ok().filter(|i| usize::from(*i) < len))
        .collect()
}

/// `0!=1,2;4` -> resource type 0 (required, keys 1 and 2) and resource type 4.
fn action_resources(field: &str, types: usize, keys: usize) -> Option<Vec<ActionResource>> {
    field
        .split(';')
        .filter(|r| !r.is_empty())
        .map(|r| {
            let (head, ks) = r.split_once('=').unwrap_or((r, ""));
            let (index, required) = match head.strip_suffix('!') {
                Some(i) => (i, true),
                None => (head, false),
            };
            let index = index
                .parse::<u16>()
                .ok()
                .filter(|i| usize::from(*i) < types)?;
            Some(ActionResource {
                index,
                required,
                keys: indexes(ks, keys)?,
            })
        })
        .collect()
}

fn service(prefix: &str, name: &str) -> Service {
    Service {
        prefix: prefix.to_owned(),
        name: name.to_owned(),
        actions: Vec::new(),
        condition_keys: Vec::new(),
        key_patterns: Vec::new(),
        resource_types: Vec::new(),
        merged: false,
    }
}

pub(super) fn parse(text: &str) -> Result<Catalog, CatalogError> {
    let bad = |n: usize, what: &str| CatalogError(format!("line {}: {what}", n + 1));
    let mut lines = text.lines().enumerate();
    let source_version = match lines.next().map(|(_, l)| l.split('\t').collect::<Vec<_>>()) {
        Some(h) if h.len() == 3 && h[0] == "iamform-catalog" && h[1] == "2" => h[2].to_owned(),
        _ => return Err(bad(0, "not an iamform catalog, version 2")),
    };
    let mut services: BTreeMap<String, Service> = BTreeMap::new();
    let mut current: Option<Service> = None;
    for (n, line) in lines {
        let mut fields = line.split('\t');
        let record = fields.next();
        if record == Some("S") {
            let (Some(prefix), Some(name)) = (fields.next(), fields.next()) else {
                return Err(bad(n, "a service needs a prefix and a name"));
            };
            let mut new = service(prefix, name);
            new.merged = fields.next() == Some("M");
            if let Some(s) = current.replace(new) {
                services.insert(s.prefix.to_ascii_lowercase(), s);
            }
            continue;
        }
        if matches!(record, Some("") | None) {
            continue;
        }
        let s = current
            .as_mut()
            .ok_or_else(|| bad(n, "a record before the first service"))?;
        match record {
            Some("K") => {
                s.condition_keys = fields.map(str::to_owned).collect();
                s.key_patterns = s
                    .condition_keys
                    .iter()
                    .map(|k| placeholders_as_wildcards(k))
                    .collect();
            }
            Some("R") => {
                let (Some(name), Some(keys)) = (fields.next(), fields.next()) else {
                    return Err(bad(n, "a resource type needs a name and keys"));
                };
                let keys = indexes(keys, s.condition_keys.len())
                    .ok_or_else(|| bad(n, "bad condition key index"))?;
                let patterns = fields.map(|p| ArnPattern::new(&s.prefix, p)).collect();
                s.resource_types.push(ResourceType {
                    name: name.to_owned(),
                    patterns,
                    keys,
                });
            }
            Some("A") => {
                let (Some(name), Some(level), Some(keys), Some(resources)) =
                    (fields.next(), fields.next(), fields.next(), fields.next())
                else {
                    return Err(bad(
                        n,
                        "an action needs a name, a level, keys and resource types",
                    ));
                };
                let level = match level {
                    "L" => AccessLevel::List,
                    "R" => AccessLevel::Read,
                    "W" => AccessLevel::Write,
                    "P" => AccessLevel::PermissionsManagement,
                    "T" => AccessLevel::Tagging,
                    _ => return Err(bad(n, "unknown access level")),
                };
                let keys = indexes(keys, s.condition_keys.len())
                    .ok_or_else(|| bad(n, "bad condition key index"))?;
                let resources =
                    action_resources(resources, s.resource_types.len(), s.condition_keys.len())
                        .ok_or_else(|| bad(n, "bad resource type"))?;
                s.actions.push(Action {
                    name: name.to_owned(),
                    level,
                    keys,
                    resources,
                });
            }
            _ => return Err(bad(n, "unknown record")),
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
