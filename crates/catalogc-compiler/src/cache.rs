//! A cache of parsed files keyed by git blob id, shared by compilations of several revisions
//! of one catalog (`catalogc diff` compiles two; a history of N commits compiles N).
//!
//! Between two revisions most files are unchanged, and an unchanged file has the same blob
//! id. The cache keeps, per file, what loading it produced — the validated descriptors and
//! their findings, a snapshot's resources, a spec's summary — under a [`Key`] of its
//! catalog-relative path, its blob id and a *salt* standing for every other input that result
//! depends on (limits, the extension schema, `catalog.yaml` for inventories). A hit costs a
//! hash-map lookup and a clone instead of a read and a parse; blobs of a revision are never
//! even read when their id is found. Files of the working tree are keyed by the blob id of
//! their content ([`crate::revision::blob_id`]), so the working tree and a commit share
//! entries too.
//!
//! Entries are immutable and shared (`Arc`); the cache is `Sync` and used from the parallel
//! loaders directly. [`ParseCache::sweep`] drops entries the compilations since the previous
//! sweep did not use, which bounds memory when walking a long history.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use git2::Oid;

/// What a cached result was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    /// Catalog-relative path (results hold findings located in the file).
    pub path: String,
    /// The blob id of the file's content (or a combined id for multi-file inputs).
    pub blob: Oid,
    /// Every other input the result depends on.
    pub salt: u64,
}

impl Key {
    pub fn new(path: &str, blob: Oid, salt: u64) -> Key {
        Key {
            path: path.to_owned(),
            blob,
            salt,
        }
    }
}

/// A salt from anything hashable (limits, schema texts).
pub(crate) fn salt_of(parts: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut hasher);
    hasher.finish()
}

/// One kind of cached result.
pub(crate) struct Shelf<V> {
    entries: Mutex<HashMap<Key, (Arc<V>, u64)>>,
}

impl<V> Default for Shelf<V> {
    fn default() -> Self {
        Shelf {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V> Shelf<V> {
    fn get(&self, key: &Key, generation: u64) -> Option<Arc<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (value, used) = entries.get_mut(key)?;
        *used = generation;
        Some(Arc::clone(value))
    }

    fn put(&self, key: Key, value: Arc<V>, generation: u64) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, (value, generation));
    }

    fn sweep(&self, generation: u64) -> usize {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|_, (_, used)| *used >= generation);
        entries.len()
    }

    fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Parsed files by blob id; see the module documentation.
#[derive(Default)]
pub struct ParseCache {
    pub(crate) descriptors: Shelf<crate::load::LoadedFile>,
    pub(crate) inventories: Shelf<crate::inventory::Loaded>,
    pub(crate) references: Shelf<crate::references::Parsed>,
    generation: AtomicU64,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseCache")
            .field("stats", &self.stats())
            .finish()
    }
}

/// How well the cache did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    /// Files whose parsed form was found.
    pub hits: usize,
    /// Files that had to be parsed.
    pub misses: usize,
    /// Results held.
    pub entries: usize,
}

impl ParseCache {
    pub fn new() -> ParseCache {
        ParseCache::default()
    }

    /// Counters since the cache was created.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.descriptors.len() + self.inventories.len() + self.references.len(),
        }
    }

    /// Drops every result not used since the previous sweep (or since the cache was
    /// created). Call it between compilations of a long history to keep only what the
    /// neighbouring revisions share.
    pub fn sweep(&self) {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        self.descriptors.sweep(generation - 1);
        self.inventories.sweep(generation - 1);
        self.references.sweep(generation - 1);
    }

    pub(crate) fn get<V>(&self, shelves: &Shelf<V>, key: &Key) -> Option<Arc<V>> {
        let found = shelves.get(key, self.generation.load(Ordering::Relaxed));
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub(crate) fn put<V>(&self, shelves: &Shelf<V>, key: Key, value: Arc<V>) {
        shelves.put(key, value, self.generation.load(Ordering::Relaxed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_keeps_only_what_was_used_since_the_last_sweep() {
        let shelf: Shelf<u32> = Shelf::default();
        let a = Key::new("a", Oid::ZERO_SHA1, 1);
        let b = Key::new("b", Oid::ZERO_SHA1, 1);
        shelf.put(a.clone(), Arc::new(1), 0);
        shelf.put(b.clone(), Arc::new(2), 0);
        // Both were used in generation 0, which the first sweep closes.
        assert_eq!(shelf.sweep(0), 2);
        assert!(shelf.get(&a, 1).is_some());
        assert_eq!(shelf.sweep(1), 1);
        assert!(shelf.get(&a, 2).is_some());
        assert!(shelf.get(&b, 2).is_none());
    }

    #[test]
    fn hits_and_misses_are_counted() {
        let cache = ParseCache::new();
        let shelf: Shelf<u32> = Shelf::default();
        let a = Key::new("a", Oid::ZERO_SHA1, 1);
        assert!(cache.get(&shelf, &a).is_none());
        cache.put(&shelf, a.clone(), Arc::new(1));
        assert!(cache.get(&shelf, &a).is_some());
        assert_eq!((cache.stats().hits, cache.stats().misses), (1, 1));
    }

    #[test]
    fn the_salt_separates_results_of_other_settings() {
        let cache = ParseCache::new();
        let shelves: Shelf<u32> = Shelf::default();
        cache.put(&shelves, Key::new("a", Oid::ZERO_SHA1, 1), Arc::new(1));
        assert!(
            cache
                .get(&shelves, &Key::new("a", Oid::ZERO_SHA1, 2))
                .is_none()
        );
    }
}
