//! The configurations the chaos test walks through: a small model of a team's IAM (users, groups,
//! roles, customer managed policies, memberships, attachments, boundaries, inline policies, tags,
//! instance profiles, renames, scope changes), random edits to it, and its rendering as HCL.

use std::collections::{BTreeMap, BTreeSet};

/// splitmix64: a seeded generator, so that a seed names a whole run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.below(items.len() as u64) as usize])
    }
}

const USERS: u8 = 8;
const GROUPS: u8 = 4;
const ROLES: u8 = 4;
const POLICIES: u8 = 4;
/// Attachment index of the one AWS managed policy the model attaches.
const AWS_MANAGED: u8 = POLICIES;

#[derive(Clone, Debug, Default)]
struct User {
    deep: bool,
    groups: BTreeSet<u8>,
    policies: BTreeSet<u8>,
    inline: Option<u8>,
    boundary: Option<u8>,
    tag: Option<u8>,
}

#[derive(Clone, Debug, Default)]
struct Group {
    policies: BTreeSet<u8>,
    inline: Option<u8>,
}

#[derive(Clone, Debug, Default)]
struct Role {
    deep: bool,
    trust: u8,
    policies: BTreeSet<u8>,
    inline: Option<u8>,
    profile: bool,
}

/// One configuration of the team.
#[derive(Clone, Debug, Default)]
pub struct Config {
    users: BTreeMap<u8, User>,
    groups: BTreeMap<u8, Group>,
    roles: BTreeMap<u8, Role>,
    policies: BTreeMap<u8, u8>,
    /// Owning the service-linked roles' path too (which must change nothing: they are reserved).
    wide_scope: bool,
    /// A `moved` block of this step: user `from` is now user `to`.
    renamed: Option<(u8, u8)>,
    /// The users declared when the step began: a rename's target must be none of them (a user
    /// removed and its name taken by a rename in one change is refused as "both exist").
    at_start: BTreeSet<u8>,
}

/// Names of everything the configurations may declare, by mock-account map.
pub fn managed_names() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    out.extend((0..USERS).map(|i| ("users", format!("u{i}"))));
    out.extend((0..GROUPS).map(|i| ("groups", format!("g{i}"))));
    out.extend((0..ROLES).map(|i| ("roles", format!("r{i}"))));
    out.extend((0..ROLES).map(|i| ("instance_profiles", format!("r{i}"))));
    out.extend((0..POLICIES).map(|i| ("policies", format!("p{i}"))));
    out
}

impl Config {
    /// Starts a step: edits follow, a rename last.
    pub fn begin_step(&mut self) {
        self.renamed = None;
        self.at_start = self.users.keys().copied().collect();
    }

    /// Whether this step renamed a user (no edit may follow it in the step).
    pub fn renamed(&self) -> bool {
        self.renamed.is_some()
    }

    /// One random edit; most are small, a few remove much at once.
    pub fn edit(&mut self, rng: &mut Rng) {
        match rng.below(20) {
            0..=2 => self.add_user(rng),
            3 => self.remove(rng, Kind::User),
            4 | 5 => self.change_user(rng),
            6 => self.add_group(rng),
            7 => self.remove(rng, Kind::Group),
            8 => self.change_group(rng),
            9 | 10 => self.add_policy(rng),
            11 => self.remove(rng, Kind::Policy),
            12 => self.change_policy(rng),
            13 => self.add_role(rng),
            14 => self.remove(rng, Kind::Role),
            15 => self.change_role(rng),
            16 => self.rename_user(rng),
            17 => self.wide_scope = !self.wide_scope,
            18 => self.remove_most(rng),
            _ => {
                for _ in 0..3 {
                    self.add_user(rng);
                }
            }
        }
    }

    fn free(rng: &mut Rng, taken: impl Iterator<Item = u8>, max: u8) -> Option<u8> {
        let taken: BTreeSet<u8> = taken.collect();
        let free: Vec<u8> = (0..max).filter(|i| !taken.contains(i)).collect();
        rng.pick(&free)
    }

    fn some_policy(&self, rng: &mut Rng) -> Option<u8> {
        let mut options: Vec<u8> = self.policies.keys().copied().collect();
        options.push(AWS_MANAGED);
        rng.pick(&options)
    }

    fn add_user(&mut self, rng: &mut Rng) {
        let Some(i) = Self::free(rng, self.users.keys().copied(), USERS) else {
            return;
        };
        let mut user = User {
            deep: rng.chance(30),
            tag: rng.chance(50).then(|| rng.below(3) as u8),
            inline: rng.chance(30).then(|| rng.below(3) as u8),
            ..User::default()
        };
        let groups: Vec<u8> = self.groups.keys().copied().collect();
        if let Some(g) = rng.pick(&groups) {
            user.groups.insert(g);
        }
        if rng.chance(30) {
            user.policies.extend(self.some_policy(rng));
        }
        self.users.insert(i, user);
    }

    fn change_user(&mut self, rng: &mut Rng) {
        let names: Vec<u8> = self.users.keys().copied().collect();
        let Some(i) = rng.pick(&names) else {
            return;
        };
        let groups: Vec<u8> = self.groups.keys().copied().collect();
        let policies: Vec<u8> = self.policies.keys().copied().collect();
        let attach = self.some_policy(rng);
        let user = self.users.get_mut(&i).expect("picked from the map");
        match rng.below(6) {
            0 => user.deep = !user.deep,
            1 => {
                if let Some(g) = rng.pick(&groups) {
                    if !user.groups.remove(&g) {
                        user.groups.insert(g);
                    }
                }
            }
            2 => {
                if let Some(p) = attach {
                    if !user.policies.remove(&p) {
                        user.policies.insert(p);
                    }
                }
            }
            3 => user.inline = (!rng.chance(30)).then(|| rng.below(3) as u8),
            4 => user.boundary = rng.pick(&policies).filter(|_| user.boundary.is_none()),
            _ => user.tag = (!rng.chance(30)).then(|| rng.below(3) as u8),
        }
    }

    fn rename_user(&mut self, rng: &mut Rng) {
        let names: Vec<u8> = self.users.keys().copied().collect();
        let taken = self.users.keys().chain(&self.at_start).copied();
        let (Some(from), Some(to)) = (rng.pick(&names), Self::free(rng, taken, USERS)) else {
            return;
        };
        let user = self.users.remove(&from).expect("picked from the map");
        self.users.insert(to, user);
        self.renamed = Some((from, to));
    }

    fn add_group(&mut self, rng: &mut Rng) {
        let Some(i) = Self::free(rng, self.groups.keys().copied(), GROUPS) else {
            return;
        };
        let mut group = Group {
            inline: rng.chance(30).then(|| rng.below(3) as u8),
            ..Group::default()
        };
        group.policies.extend(self.some_policy(rng));
        self.groups.insert(i, group);
    }

    fn change_group(&mut self, rng: &mut Rng) {
        let names: Vec<u8> = self.groups.keys().copied().collect();
        let Some(i) = rng.pick(&names) else {
            return;
        };
        let attach = self.some_policy(rng);
        let group = self.groups.get_mut(&i).expect("picked from the map");
        if rng.chance(50) {
            group.inline = (!rng.chance(30)).then(|| rng.below(3) as u8);
        } else if let Some(p) = attach {
            if !group.policies.remove(&p) {
                group.policies.insert(p);
            }
        }
    }

    fn add_policy(&mut self, rng: &mut Rng) {
        if let Some(i) = Self::free(rng, self.policies.keys().copied(), POLICIES) {
            self.policies.insert(i, rng.below(4) as u8);
        }
    }

    fn change_policy(&mut self, rng: &mut Rng) {
        let names: Vec<u8> = self.policies.keys().copied().collect();
        if let Some(i) = rng.pick(&names) {
            self.policies.insert(i, rng.below(4) as u8);
        }
    }

    fn add_role(&mut self, rng: &mut Rng) {
        let Some(i) = Self::free(rng, self.roles.keys().copied(), ROLES) else {
            return;
        };
        let mut role = Role {
            deep: rng.chance(30),
            trust: rng.below(3) as u8,
            inline: rng.chance(40).then(|| rng.below(3) as u8),
            profile: rng.chance(50),
            ..Role::default()
        };
        role.policies.extend(self.some_policy(rng));
        self.roles.insert(i, role);
    }

    fn change_role(&mut self, rng: &mut Rng) {
        let names: Vec<u8> = self.roles.keys().copied().collect();
        let Some(i) = rng.pick(&names) else {
            return;
        };
        let attach = self.some_policy(rng);
        let role = self.roles.get_mut(&i).expect("picked from the map");
        match rng.below(5) {
            // A role cannot move: a new path replaces it (and its instance profile's hold on it).
            0 => role.deep = !role.deep,
            1 => role.trust = (role.trust + 1) % 3,
            2 => role.inline = (!rng.chance(30)).then(|| rng.below(3) as u8),
            3 => role.profile = !role.profile,
            _ => {
                if let Some(p) = attach {
                    if !role.policies.remove(&p) {
                        role.policies.insert(p);
                    }
                }
            }
        }
    }

    fn remove(&mut self, rng: &mut Rng, kind: Kind) {
        let names: Vec<u8> = match kind {
            Kind::User => self.users.keys().copied().collect(),
            Kind::Group => self.groups.keys().copied().collect(),
            Kind::Role => self.roles.keys().copied().collect(),
            Kind::Policy => self.policies.keys().copied().collect(),
        };
        if let Some(i) = rng.pick(&names) {
            self.drop_entity(kind, i);
        }
    }

    /// Removes an entity and every reference to it, so that the configuration stays valid.
    fn drop_entity(&mut self, kind: Kind, i: u8) {
        match kind {
            Kind::User => {
                self.users.remove(&i);
            }
            Kind::Role => {
                self.roles.remove(&i);
            }
            Kind::Group => {
                self.groups.remove(&i);
                for u in self.users.values_mut() {
                    u.groups.remove(&i);
                }
            }
            Kind::Policy => {
                self.policies.remove(&i);
                for u in self.users.values_mut() {
                    u.policies.remove(&i);
                    u.boundary = u.boundary.filter(|b| *b != i);
                }
                for g in self.groups.values_mut() {
                    g.policies.remove(&i);
                }
                for r in self.roles.values_mut() {
                    r.policies.remove(&i);
                }
            }
        }
    }

    /// A wiped file: most users and groups go at once (the blast-radius limit's case).
    fn remove_most(&mut self, rng: &mut Rng) {
        let users: Vec<u8> = self.users.keys().copied().collect();
        for u in users {
            if rng.chance(80) {
                self.drop_entity(Kind::User, u);
            }
        }
        let groups: Vec<u8> = self.groups.keys().copied().collect();
        for g in groups {
            if rng.chance(60) {
                self.drop_entity(Kind::Group, g);
            }
        }
    }

    /// The configuration as HCL.
    pub fn hcl(&self) -> String {
        let mut out = String::from("settings {\n  scope {\n");
        if self.wide_scope {
            out.push_str("    paths   = [\"/team/\", \"/aws-service-role/\"]\n");
        } else {
            out.push_str("    paths   = [\"/team/\"]\n");
        }
        out.push_str("    exclude = [\"user/keep_*\"]\n  }\n}\n\n");
        for (i, variant) in &self.policies {
            out.push_str(&format!(
                "policy \"p{i}\" {{\n  path = \"/team/\"\n  statement {{\n    actions   = [\"{}\"]\n    resources = [\"arn:aws:s3:::bucket-{variant}/*\"]\n  }}\n}}\n\n",
                ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:Get*"][usize::from(*variant)]
            ));
        }
        for (i, g) in &self.groups {
            out.push_str(&format!("group \"g{i}\" {{\n  path = \"/team/\"\n"));
            out.push_str(&policies_attr(&g.policies));
            out.push_str(&inline(g.inline));
            out.push_str("}\n\n");
        }
        for (i, u) in &self.users {
            out.push_str(&format!(
                "user \"u{i}\" {{\n  path = \"{}\"\n",
                path(u.deep)
            ));
            if !u.groups.is_empty() {
                let groups: Vec<String> = u
                    .groups
                    .iter()
                    .map(|g| format!("group.g{g}.name"))
                    .collect();
                out.push_str(&format!("  groups = [{}]\n", groups.join(", ")));
            }
            out.push_str(&policies_attr(&u.policies));
            if let Some(b) = u.boundary {
                out.push_str(&format!("  permissions_boundary = policy.p{b}.arn\n"));
            }
            if let Some(t) = u.tag {
                out.push_str(&format!("  tags = {{ team = \"t{t}\" }}\n"));
            }
            out.push_str(&inline(u.inline));
            out.push_str("}\n\n");
        }
        for (i, r) in &self.roles {
            let service = ["ec2", "lambda", "ecs-tasks"][usize::from(r.trust)];
            out.push_str(&format!(
                "role \"r{i}\" {{\n  path = \"{}\"\n  assume_role_policy {{\n    statement {{\n      actions = [\"sts:AssumeRole\"]\n      principals {{\n        service = [\"{service}.amazonaws.com\"]\n      }}\n    }}\n  }}\n",
                path(r.deep)
            ));
            out.push_str(&policies_attr(&r.policies));
            out.push_str(&inline(r.inline));
            if r.profile {
                out.push_str("  instance_profile = true\n");
            }
            out.push_str("}\n\n");
        }
        if let Some((from, to)) = self.renamed {
            out.push_str(&format!(
                "moved {{\n  from = user.u{from}\n  to   = user.u{to}\n}}\n"
            ));
        }
        out
    }
}

#[derive(Clone, Copy)]
enum Kind {
    User,
    Group,
    Role,
    Policy,
}

fn path(deep: bool) -> &'static str {
    if deep {
        "/team/deep/"
    } else {
        "/team/"
    }
}

fn policies_attr(policies: &BTreeSet<u8>) -> String {
    if policies.is_empty() {
        return String::new();
    }
    let arns: Vec<String> = policies
        .iter()
        .map(|&p| {
            if p == AWS_MANAGED {
                "\"arn:aws:iam::aws:policy/ReadOnlyAccess\"".to_owned()
            } else {
                format!("policy.p{p}.arn")
            }
        })
        .collect();
    format!("  policies = [{}]\n", arns.join(", "))
}

fn inline(variant: Option<u8>) -> String {
    variant.map_or_else(String::new, |v| {
        format!(
            "  inline_policy \"own\" {{\n    statement {{\n      actions   = [\"sqs:SendMessage\"]\n      resources = [\"arn:aws:sqs:us-east-1:123456789012:queue-{v}\"]\n    }}\n  }}\n"
        )
    })
}
