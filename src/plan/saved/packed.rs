//! The access changes of a saved plan, packed.
//!
//! A plan lists access changes one entry per concrete action (`plan --json`, `show --json`), and
//! a principal gaining AdministratorAccess gains some 14,000 of them with the same resources,
//! conditions and documents: a plan of 200 new entities against an empty account printed a
//! 293 MB saved plan, over a third of the size a plan file may have. In the file, the entries
//! that share everything but their action are one group listing the actions (one string, as
//! a pretty-printed array would spend a line on each) and where their entries stood in the list
//! (runs of consecutive places); reading the file puts every entry back in its place, so that
//! `show` and `apply` see the plan that was made.

use crate::access::change::{AccessChange, Grant, Terms};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One principal's access change, packed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackedChange {
    pub principal: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gained_everything: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost_everything: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gained: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<Group>,
}

/// Grants that differ only in their action.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// The actions, separated by single spaces (no action name holds one).
    pub actions: String,
    /// Where the actions' entries stand in the principal's list (`gained` or `lost`), in the
    /// order of `actions`: runs of `[first place, count]`.
    pub at: Vec<[usize; 2]>,
    /// What the actions' grants share.
    pub terms: Terms,
    /// Each action's access level, a letter each in the order of `actions` ([`LEVELS`]; `-`
    /// for none, `=` for the group's `access_level`).
    pub levels: String,
    /// The access level of the actions marked `=` (one the letters do not name).
    pub access_level: Option<String>,
    /// Why these gains let the principal raise its privileges (the same for all of them).
    pub escalation: Option<String>,
}

/// The access levels of the catalog, and their letters in [`Group::levels`].
const LEVELS: [(char, &str); 5] = [
    ('L', "List"),
    ('R', "Read"),
    ('W', "Write"),
    ('P', "Permissions management"),
    ('T', "Tagging"),
];

/// The letter of `level`, when it has one (`-` for none).
fn letter(level: Option<&str>) -> Option<char> {
    match level {
        None => Some('-'),
        Some(l) => LEVELS.iter().find(|(_, n)| *n == l).map(|(c, _)| *c),
    }
}

/// What grants of one group share: their terms, a level no letter names, and an escalation.
type Key<'a> = (&'a Terms, Option<&'a str>, Option<&'a str>);

fn key(g: &Grant) -> Key<'_> {
    (
        &g.terms,
        // Only a level without a letter keeps its grants apart.
        g.access_level
            .as_deref()
            .filter(|l| letter(Some(l)).is_none()),
        g.escalation.as_deref(),
    )
}

fn pack_list(grants: &[Grant]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<Key<'_>, usize> = HashMap::new();
    for (at, g) in grants.iter().enumerate() {
        let i = *index.entry(key(g)).or_insert_with(|| {
            groups.push(Group {
                actions: String::new(),
                at: Vec::new(),
                terms: g.terms.clone(),
                levels: String::new(),
                access_level: None,
                escalation: g.escalation.clone(),
            });
            groups.len() - 1
        });
        let group = &mut groups[i];
        if !group.actions.is_empty() {
            group.actions.push(' ');
        }
        group.actions.push_str(&g.action);
        match letter(g.access_level.as_deref()) {
            Some(c) => group.levels.push(c),
            None => {
                group.levels.push('=');
                group.access_level.clone_from(&g.access_level);
            }
        }
        match group.at.last_mut() {
            Some([first, count]) if *first + *count == at => *count += 1,
            _ => group.at.push([at, 1]),
        }
    }
    groups
}

/// `changes`, packed.
pub fn pack(changes: &[AccessChange]) -> Vec<PackedChange> {
    changes
        .iter()
        .map(|c| PackedChange {
            principal: c.principal.clone(),
            gained_everything: c.gained_everything,
            lost_everything: c.lost_everything,
            gained: pack_list(&c.gained),
            lost: pack_list(&c.lost),
        })
        .collect()
}

/// The places `group.at` lists, once they are as many as its actions (checked before any is
/// made: a run's count comes from the file).
fn places(group: &Group, actions: usize, what: &str) -> Result<Vec<usize>, String> {
    let listed = (group.at.iter()).try_fold(0usize, |n, [_, count]| n.checked_add(*count));
    if listed != Some(actions) {
        return Err(format!(
            "{what}: a group lists {actions} actions and {} places",
            listed.map_or_else(|| "too many".to_owned(), |n| n.to_string())
        ));
    }
    Ok((group.at.iter())
        .flat_map(|[first, count]| (0..*count).map(move |i| first.saturating_add(i)))
        .collect())
}

fn unpack_list(groups: Vec<Group>, what: &str) -> Result<Vec<Grant>, String> {
    let total: usize = groups.iter().map(|g| g.actions.split(' ').count()).sum();
    let mut slots: Vec<Option<Grant>> = vec![None; total];
    for g in groups {
        let actions: Vec<&str> = g.actions.split(' ').collect();
        if actions.iter().any(|a| a.is_empty()) {
            return Err(format!("{what}: a group's actions hold an empty name"));
        }
        let levels = (g.levels.chars())
            .map(|c| match c {
                '-' => Ok(None),
                '=' => Ok(g.access_level.clone()),
                c => (LEVELS.iter().find(|(l, _)| *l == c))
                    .map(|(_, name)| Some((*name).to_owned()))
                    .ok_or_else(|| format!("{what}: {c:?} is no access level")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        if levels.len() != actions.len() {
            return Err(format!(
                "{what}: a group lists {} actions and {} access levels",
                actions.len(),
                levels.len()
            ));
        }
        let each = actions
            .iter()
            .zip(levels)
            .zip(places(&g, actions.len(), what)?);
        for ((action, level), at) in each {
            let slot = slots
                .get_mut(at)
                .ok_or_else(|| format!("{what}: place {at} is past the end ({total} entries)"))?;
            if slot.is_some() {
                return Err(format!("{what}: place {at} is given twice"));
            }
            *slot = Some(Grant {
                escalation: g.escalation.clone(),
                ..g.terms.grant(action, level)
            });
        }
    }
    // Every place is filled: `total` places, each given at most once, by `total` actions.
    Ok(slots.into_iter().flatten().collect())
}

/// The access changes `packed` holds; `Err` says what is inconsistent in it.
pub fn unpack(packed: Vec<PackedChange>) -> Result<Vec<AccessChange>, String> {
    packed
        .into_iter()
        .map(|p| {
            let gained = unpack_list(p.gained, &format!("{} gained", p.principal))?;
            let lost = unpack_list(p.lost, &format!("{} lost", p.principal))?;
            Ok(AccessChange {
                principal: p.principal,
                gained_everything: p.gained_everything,
                lost_everything: p.lost_everything,
                gained,
                lost,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn grant(action: &str, resources: &Arc<Vec<String>>, escalation: Option<&str>) -> Grant {
        let level = match action {
            "s3:PutObject" => None,
            "sqs:SendMessage" => Some("Sending"),
            _ => Some("Write"),
        };
        let terms = Terms {
            resources: Arc::clone(resources),
            not_resources: Arc::default(),
            conditions: None,
            unless: None,
            via: Arc::new(vec!["policy.admin".to_owned()]),
        };
        Grant {
            escalation: escalation.map(str::to_owned),
            ..terms.grant(action, level.map(str::to_owned))
        }
    }

    fn changes() -> Vec<AccessChange> {
        let all = Arc::new(vec!["*".to_owned()]);
        let bucket = Arc::new(vec!["arn:aws:s3:::b/*".to_owned()]);
        vec![AccessChange {
            principal: "role.ci".to_owned(),
            gained_everything: false,
            lost_everything: false,
            gained: vec![
                grant(
                    "iam:CreatePolicyVersion",
                    &all,
                    Some("sets its own permissions"),
                ),
                grant("s3:DeleteObject", &bucket, None),
                grant("s3:DeleteObject", &all, None),
                grant("s3:PutObject", &bucket, None),
            ],
            lost: vec![
                grant("sqs:SendMessage", &all, None),
                grant("s3:GetObject", &all, None),
                grant("s3:ListBucket", &all, None),
            ],
        }]
    }

    #[test]
    fn unpacking_gives_back_every_entry_in_its_place() {
        let original = changes();
        let packed = pack(&original);
        assert_eq!(
            packed[0].gained.len(),
            3,
            "three groups: the escalation, the bucket, the rest of `*`"
        );
        assert_eq!(unpack(packed).unwrap(), original);
    }

    #[test]
    fn consecutive_places_are_one_run() {
        let packed = pack(&changes());
        let [escalation, bucket, star] = &packed[0].gained[..] else {
            panic!("three groups: {packed:?}");
        };
        assert_eq!(escalation.actions, "iam:CreatePolicyVersion");
        assert_eq!(
            escalation.escalation.as_deref(),
            Some("sets its own permissions")
        );
        assert_eq!(bucket.actions, "s3:DeleteObject s3:PutObject");
        assert_eq!(bucket.at, [[1, 1], [3, 1]]);
        assert_eq!(bucket.levels, "W-");
        assert_eq!(
            (star.actions.as_str(), star.at.as_slice()),
            ("s3:DeleteObject", &[[2, 1]][..])
        );
        let [odd, rest] = &packed[0].lost[..] else {
            panic!("two groups: {packed:?}");
        };
        assert_eq!(rest.actions, "s3:GetObject s3:ListBucket");
        assert_eq!(rest.at, [[1, 2]], "one run");
        assert_eq!(
            (odd.levels.as_str(), odd.access_level.as_deref()),
            ("=", Some("Sending"))
        );
    }

    #[test]
    fn inconsistent_packs_are_refused() {
        let mut twice = pack(&changes());
        twice[0].gained[2].at[0] = [1, 1];
        assert!(unpack(twice).unwrap_err().contains("given twice"));
        let mut past = pack(&changes());
        past[0].lost[0].at[0] = [7, 1];
        assert!(unpack(past).unwrap_err().contains("past the end"));
        let mut short = pack(&changes());
        short[0].gained[0].at.pop();
        assert!(unpack(short).unwrap_err().contains("places"));
        let mut huge = pack(&changes());
        huge[0].gained[0].at = vec![[0, usize::MAX], [0, 2]];
        assert!(unpack(huge).unwrap_err().contains("too many places"));
        let mut unknown = pack(&changes());
        unknown[0].gained[1].levels = "WX".to_owned();
        assert!(unpack(unknown).unwrap_err().contains("no access level"));
        let mut fewer = pack(&changes());
        fewer[0].gained[1].levels = "W".to_owned();
        assert!(unpack(fewer).unwrap_err().contains("1 access levels"));
        let mut blank = pack(&changes());
        blank[0].lost[0].actions = "sqs:SendMessage ".to_owned();
        blank[0].lost[0].at = vec![[0, 2]];
        blank[0].lost[0].levels = "==".to_owned();
        assert!(unpack(blank).unwrap_err().contains("empty name"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Grants drawn from few actions, resource lists and levels, so that groups form.
        fn grants() -> impl Strategy<Value = Vec<Grant>> {
            let one = (0..6usize, 0..3usize, 0..7usize, any::<bool>()).prop_map(|(a, r, l, e)| {
                let resources = Arc::new(vec![format!("arn:aws:s3:::b{r}/*")]);
                let mut g = grant(&format!("s3:Action{a}"), &resources, e.then_some("why"));
                g.access_level = match l {
                    0 => None,
                    1 => Some("Odd".to_owned()),
                    l => Some(LEVELS[l - 2].1.to_owned()),
                };
                g
            });
            prop::collection::vec(one, 0..40)
        }

        /// Packs as a hostile file might hold them: any actions, places and levels.
        fn hostile() -> impl Strategy<Value = Vec<PackedChange>> {
            let group = (
                "[a-z: ]{0,12}",
                prop::collection::vec((0..50usize, 0..5usize), 0..4),
                "[LRWPT=\\-X]{0,6}",
            )
                .prop_map(|(actions, at, levels)| {
                    let mut g = pack(&changes())[0].gained[0].clone();
                    g.actions = actions;
                    g.at = at.into_iter().map(|(f, c)| [f, c]).collect();
                    g.levels = levels;
                    g
                });
            prop::collection::vec(group, 0..4).prop_map(|gained| {
                vec![PackedChange {
                    principal: "user.x".to_owned(),
                    gained_everything: false,
                    lost_everything: false,
                    gained,
                    lost: Vec::new(),
                }]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
            #[test]
            fn unpack_of_pack_is_the_list(gained in grants(), lost in grants()) {
                let original = vec![AccessChange {
                    principal: "role.r".to_owned(),
                    gained_everything: false,
                    lost_everything: false,
                    gained,
                    lost,
                }];
                prop_assert_eq!(unpack(pack(&original)).unwrap(), original);
            }

            #[test]
            fn any_pack_is_refused_or_fills_every_place(packed in hostile()) {
                let actions: usize = packed[0].gained.iter().map(|g| g.actions.split(' ').count()).sum();
                if let Ok(changes) = unpack(packed) {
                    prop_assert_eq!(changes[0].gained.len(), actions);
                }
            }
        }
    }
}
