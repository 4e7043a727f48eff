//! What an operation does to the account, described once per operation ([`super::Family::effects`])
//! and read by everyone who must know: the plan's ordering rules (`plan::graph`), the retries of a
//! call IAM has not caught up with (`backend::retry`), the lockout guard and `--target`.

use crate::model::{Address, Kind, Name};

/// Something an operation can create, delete, need or release: an entity by name, or a managed
/// policy by ARN (attachments name policies by ARN, and a replaced policy has two).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Entity(Kind, Name),
    Policy(String),
}

impl Key {
    pub fn entity(kind: Kind, name: &Name) -> Key {
        Key::Entity(kind, name.clone())
    }

    /// The entity a key names: an entity key as it is, a policy ARN as `policy.NAME` when it is a
    /// customer managed policy (AWS managed policies are never created or deleted).
    pub fn address(&self) -> Option<Address> {
        match self {
            Key::Entity(kind, name) => Some(Address::new(*kind, name.clone())),
            Key::Policy(arn) => crate::model::Arn::parse(arn)
                .ok()
                .filter(|a| !a.is_aws_managed_policy())
                .and_then(|a| a.entity_address()),
        }
    }
}

/// Whether a call gives a principal access or takes it away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Grant,
    Revoke,
}

/// One operation's effects. Every list names keys; an operation that only changes an entity in
/// place (tags, a path) needs it and nothing more.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effects {
    pub creates: Vec<Key>,
    pub deletes: Vec<Key>,
    /// Must exist when the call is made: it runs after whatever creates these.
    pub needs: Vec<Key>,
    /// Stops holding or referring to these: it runs before whatever deletes these.
    pub releases: Vec<Key>,
    /// The users and roles a trust policy names (also in `needs`): IAM rejects a trust policy
    /// naming a principal it does not know yet ("Invalid principal").
    pub trusts: Vec<Key>,
    /// Makes room under a quota of one of these (a policy's five versions, a profile's one role)...
    pub frees: Vec<Key>,
    /// ...which a call that takes room under the same quota waits for.
    pub fills: Vec<Key>,
    /// Gives or takes access of a principal, and about what (a policy, a group; `None` for an
    /// inline policy).
    pub access: Option<(Access, Key, Option<Key>)>,
}

/// The builders of the lists of [`Effects`]: `Effects::default().needs([k]).releases([j])`.
macro_rules! list_builders {
    ($($field:ident),*) => {
        impl Effects {
            $(pub fn $field(mut self, keys: impl IntoIterator<Item = Key>) -> Self {
                self.$field.extend(keys);
                self
            })*
        }
    };
}

list_builders!(creates, deletes, needs, releases, frees, fills);

impl Effects {
    /// A call that creates `key` and does nothing else.
    pub fn creating(key: Key) -> Effects {
        Effects::default().creates([key])
    }

    /// A call that changes `key` in place: it needs it and nothing more.
    pub fn changing(key: Key) -> Effects {
        Effects::default().needs([key])
    }

    /// A call that deletes `key` and does nothing else.
    pub fn deleting(key: Key) -> Effects {
        Effects::default().deletes([key])
    }

    pub fn trusts(mut self, k: Vec<Key>) -> Self {
        self.needs.extend(k.iter().cloned());
        self.trusts = k;
        self
    }
    pub fn access(mut self, a: Access, principal: Key, about: Option<Key>) -> Self {
        self.access = Some((a, principal, about));
        self
    }

    /// Whether the call takes something away (deletes, detaches, removes): IAM's `NoSuchEntity`
    /// then means it is already gone, never that IAM has not caught up with a create.
    pub fn is_removal(&self) -> bool {
        !self.deletes.is_empty() || !self.releases.is_empty()
    }

    /// Entities that must exist for the call to succeed: what it needs or releases, as addresses.
    pub fn dependencies(&self) -> Vec<Address> {
        let mut out: Vec<Address> = Vec::new();
        for a in self
            .needs
            .iter()
            .chain(&self.releases)
            .filter_map(Key::address)
        {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    }
}
