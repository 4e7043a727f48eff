//! Interned sets: each distinct set of values is stored once and named by a small id, so that
//! equal sets compare (and hash) as one number.

use std::collections::HashMap;
use std::hash::Hash;

/// Sets of `T`, each kept sorted and without repeats, by id: equal sets get the same id.
pub(super) struct SetInterner<T> {
    sets: Vec<Vec<T>>,
    index: HashMap<Vec<T>, u32>,
}

impl<T> Default for SetInterner<T> {
    fn default() -> Self {
        SetInterner {
            sets: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T: Ord + Hash + Clone> SetInterner<T> {
    /// The id of the set of `items` (sorted and deduplicated here); a set not seen before gets
    /// the next id.
    pub(super) fn intern(&mut self, mut items: Vec<T>) -> u32 {
        items.sort_unstable();
        items.dedup();
        if let Some(id) = self.index.get(&items) {
            return *id;
        }
        let id = self.sets.len() as u32;
        self.sets.push(items.clone());
        self.index.insert(items, id);
        id
    }

    /// The set of `id`, sorted.
    pub(super) fn get(&self, id: u32) -> &[T] {
        &self.sets[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sets_share_an_id() {
        let mut sets = SetInterner::default();
        let ab = sets.intern(vec!["b", "a", "b"]);
        assert_eq!(sets.intern(vec!["a", "b"]), ab);
        let c = sets.intern(vec!["c"]);
        assert_ne!(c, ab);
        assert_eq!(sets.get(ab), ["a", "b"]);
        assert_eq!(sets.get(c), ["c"]);
    }
}
