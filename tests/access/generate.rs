//! A seeded generator of (policies, request) cases for the differential test: identity policies,
//! permissions boundaries and trust policies over every condition operator family, `…IfExists`,
//! `ForAllValues:` / `ForAnyValue:`, multivalued keys, policy variables, `NotAction` /
//! `NotResource` and `NotPrincipal`. Statements are biased towards the request so that a good
//! share of the cases are allowed or explicitly denied, not only implicitly denied.
//!
//! Each case records the doubtful areas it touches ([`Case::tags`]), decided exactly from the
//! request context it was built for, so that a disagreement can be traced to a listed area.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const ACCOUNT: &str = "111122223333";
pub const NOW_ISO: &str = "2024-05-01T12:00:00Z";
pub const NOW_EPOCH: &str = "1714564800";

/// xorshift64*: small, seeded, reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallerKind {
    User,
    Role,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub id: usize,
    pub caller: CallerKind,
    /// The IAM path of the user or role.
    pub path: &'static str,
    pub name: &'static str,
    pub identity: Vec<Value>,
    pub boundary: Option<Value>,
    pub trust: Option<Value>,
    pub action: String,
    pub resource: String,
    /// Key -> a string, or an array for a multivalued key.
    pub context: BTreeMap<String, Value>,
    /// The doubtful areas the case touches (see simulator-disagreements.txt).
    pub tags: BTreeSet<&'static str>,
}

impl Case {
    pub fn user_arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:user{}{}", self.path, self.name)
    }
    pub fn role_arn(&self) -> String {
        format!("arn:aws:iam::{ACCOUNT}:role{}{}", self.path, self.name)
    }
    pub fn session_arn(&self) -> String {
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/{}/iamform", self.name)
    }
    /// The principal of the request: the user, or the role's session.
    pub fn principal_arn(&self) -> String {
        match self.caller {
            CallerKind::User => self.user_arn(),
            CallerKind::Role => self.session_arn(),
        }
    }
    /// Whether the request context has `key` (ignoring case).
    fn has(&self, key: &str) -> bool {
        self.context.keys().any(|k| k.eq_ignore_ascii_case(key))
    }
}

/// The actions of requests, each with resources it is made on.
const S3_OBJECTS: [&str; 5] = [
    "arn:aws:s3:::data/reports/q1.csv",
    "arn:aws:s3:::data/home/ann/notes.txt",
    "arn:aws:s3:::data/home/bob/notes.txt",
    "arn:aws:s3:::Data/reports/q1.csv",
    "arn:aws:s3:::logs/2024/05/01.log",
];

fn request_target(g: &mut Rng) -> (String, String) {
    match g.below(7) {
        0..=2 => {
            let a = g.pick(&["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
            (a.to_string(), g.pick(&S3_OBJECTS).to_string())
        }
        3 => (
            "s3:ListBucket".into(),
            g.pick(&["arn:aws:s3:::data", "arn:aws:s3:::logs"])
                .to_string(),
        ),
        4 => (
            g.pick(&["iam:CreateUser", "iam:GetUser", "iam:TagUser"])
                .to_string(),
            format!(
                "arn:aws:iam::{ACCOUNT}:user/{}",
                g.pick(&["ann", "bob", "svc/ci"])
            ),
        ),
        5 => (
            g.pick(&["ec2:RunInstances", "ec2:StopInstances"])
                .to_string(),
            format!(
                "arn:aws:ec2:{}:{ACCOUNT}:instance/i-0{}",
                g.pick(&["us-east-1", "eu-west-1"]),
                g.pick(&["abc", "123"])
            ),
        ),
        _ => (
            "dynamodb:GetItem".into(),
            format!(
                "arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{}",
                g.pick(&["orders", "users"])
            ),
        ),
    }
}

/// Action patterns: some matching the request's action, some not.
fn action_pattern(g: &mut Rng, action: &str) -> String {
    let (service, name) = action.split_once(':').unwrap();
    match g.below(10) {
        0 | 1 => action.to_owned(),
        2 => format!("{}:{}", service.to_uppercase(), name.to_lowercase()),
        3 => format!("{service}:*"),
        4 => format!("{service}:{}*", &name[..3]),
        5 => format!("{service}:?{}", &name[1..]),
        6 => "*".to_owned(),
        7 => format!("{service}:*{}", &name[name.len() - 3..]),
        _ => g
            .pick(&[
                "s3:GetObject",
                "iam:*",
                "ec2:Describe*",
                "sts:AssumeRole",
                "dynamodb:Put*",
                "s3:List*",
            ])
            .to_string(),
    }
}

/// Resource patterns: exact, wildcards (after the resource type), variables, and some that do not
/// match. Returns the pattern and whether it tests the case of an ARN prefix.
fn resource_pattern(g: &mut Rng, resource: &str) -> (String, bool) {
    let mut prefix_case = false;
    let p = match g.below(15) {
        0 | 1 => resource.to_owned(),
        2 => "*".to_owned(),
        3 => match resource.rfind('/') {
            Some(i) => format!("{}*", &resource[..=i]),
            None => format!("{resource}*"),
        },
        4 => match resource.find('/') {
            Some(i) => format!("{}*", &resource[..=i]),
            None => resource.to_owned(),
        },
        5 => {
            // One character replaced by `?` in the last part.
            let i = resource.len() - 2;
            format!("{}?{}", &resource[..i], &resource[i + 1..])
        }
        6 => {
            if resource.starts_with("arn:aws:s3:::") {
                g.pick(&[
                    "arn:aws:s3:::data/home/${aws:username}/*",
                    "arn:aws:s3:::data/home/${aws:PrincipalTag/team}/*",
                    "arn:aws:s3:::data/home/${aws:username, 'ann'}/*",
                    "arn:aws:s3:::data/${*}",
                    "arn:aws:s3:::${aws:PrincipalTag/bucket}/*",
                ])
                .to_string()
            } else {
                format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")
            }
        }
        7 => {
            // The region and account parts as wildcards.
            let parts: Vec<&str> = resource.splitn(6, ':').collect();
            format!("arn:aws:{}:*:*:{}", parts[2], parts[5])
        }
        8 => {
            // The resource part in another case: never a match (case-sensitive on both sides).
            let parts: Vec<&str> = resource.splitn(6, ':').collect();
            format!("{}:{}", parts[..5].join(":"), parts[5].to_uppercase())
        }
        9 if g.chance(20) => {
            prefix_case = true;
            let parts: Vec<&str> = resource.splitn(6, ':').collect();
            let (partition, service) = if g.chance(50) {
                (parts[1].to_uppercase(), parts[2].to_owned())
            } else {
                (parts[1].to_owned(), parts[2].to_uppercase())
            };
            format!(
                "arn:{partition}:{service}:{}:{}:{}",
                parts[3], parts[4], parts[5]
            )
        }
        _ => g
            .pick(&[
                "arn:aws:s3:::logs/*",
                "arn:aws:s3:::data",
                "arn:aws:ec2:*:*:instance/*",
                "arn:aws:iam::111122223333:user/*",
                "arn:aws:dynamodb:*:*:table/orders",
                "arn:aws:s3:::data/reports/*",
            ])
            .to_string(),
    };
    (p, prefix_case)
}

/// A condition key, its kind of values, and the values a request may carry for it.
struct KeyDef {
    key: &'static str,
    family: Family,
    request_values: &'static [&'static str],
    policy_values: &'static [&'static str],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Multi,
}

const KEYS: [KeyDef; 14] = [
    KeyDef {
        key: "aws:PrincipalTag/team",
        family: Family::String,
        request_values: &["web", "data", "Web"],
        policy_values: &[
            "web",
            "data",
            "w*",
            "WEB",
            "${aws:username}",
            "${aws:PrincipalTag/missing}",
            "${aws:PrincipalTag/missing, 'web'}",
        ],
    },
    KeyDef {
        key: "aws:RequestTag/env",
        family: Family::String,
        request_values: &["prod", "dev", "prod-eu"],
        policy_values: &[
            "prod",
            "prod*",
            "d?v",
            "${aws:PrincipalTag/team}",
            "${aws:PrincipalTag/env}",
            "${*}",
        ],
    },
    KeyDef {
        key: "s3:prefix",
        family: Family::String,
        request_values: &["home/ann/", "home/", "*"],
        policy_values: &["home/${aws:username}/", "home/*", "${*}", "home/"],
    },
    KeyDef {
        key: "aws:MultiFactorAuthAge",
        family: Family::Numeric,
        request_values: &["100", "3600", "7200", "0.5", "many"],
        policy_values: &["3600", "100", "0", "7200.0"],
    },
    KeyDef {
        key: "aws:CurrentTime",
        family: Family::Date,
        request_values: &[NOW_ISO],
        policy_values: &[
            "2024-05-01T12:00:00Z",
            "2024-01-01T00:00:00Z",
            "2025-01-01",
            "2024-05-01T14:00:00+02:00",
        ],
    },
    KeyDef {
        key: "aws:EpochTime",
        family: Family::Date,
        request_values: &[NOW_EPOCH],
        policy_values: &["1714564800", "1700000000", "1800000000"],
    },
    KeyDef {
        key: "aws:MultiFactorAuthPresent",
        family: Family::Bool,
        request_values: &["true", "false", "TRUE", "yes"],
        policy_values: &["true", "false"],
    },
    KeyDef {
        key: "aws:SecureTransport",
        family: Family::Bool,
        request_values: &["true", "false"],
        policy_values: &["true", "false", "True"],
    },
    KeyDef {
        key: "aws:RequestTag/blob",
        family: Family::Binary,
        request_values: &["QmluYXJ5", "T3RoZXI="],
        policy_values: &["QmluYXJ5", "T3RoZXI=", "YQ=="],
    },
    KeyDef {
        key: "aws:SourceIp",
        family: Family::Ip,
        request_values: &["203.0.113.7", "198.51.100.20", "2001:db8::1", "10.1.2.3"],
        policy_values: &[
            "203.0.113.0/24",
            "198.51.100.20",
            "10.0.0.0/8",
            "2001:db8::/32",
            "0.0.0.0/0",
            "198.51.100.0/30",
        ],
    },
    KeyDef {
        key: "aws:SourceArn",
        family: Family::Arn,
        request_values: &[
            "arn:aws:sns:us-east-1:111122223333:topic",
            "arn:aws:s3:::data",
            "arn:aws:lambda:eu-west-1:111122223333:function:f",
        ],
        policy_values: &[
            "arn:aws:sns:*:111122223333:*",
            "arn:aws:s3:::data",
            "arn:aws:*:*:*:*",
            "arn:aws:lambda:eu-west-1:111122223333:function:*",
            "arn:aws:s3:::${aws:PrincipalTag/bucket}",
        ],
    },
    KeyDef {
        key: "aws:PrincipalArn",
        family: Family::Arn,
        request_values: &[],
        policy_values: &[
            "arn:aws:iam::111122223333:user/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:user/${aws:username}",
            "arn:aws:iam::111122223333:role/svc/*",
        ],
    },
    KeyDef {
        key: "aws:username",
        family: Family::String,
        request_values: &[],
        policy_values: &["ann", "bob", "a*", "ANN", "${aws:PrincipalTag/owner}"],
    },
    KeyDef {
        key: "aws:TagKeys",
        family: Family::Multi,
        request_values: &["team", "env", "owner"],
        policy_values: &["team", "env", "t*", "cost-center"],
    },
];

const OPERATORS: [(&str, Family, bool); 26] = [
    ("StringEquals", Family::String, false),
    ("StringNotEquals", Family::String, true),
    ("StringEqualsIgnoreCase", Family::String, false),
    ("StringNotEqualsIgnoreCase", Family::String, true),
    ("StringLike", Family::String, false),
    ("StringNotLike", Family::String, true),
    ("NumericEquals", Family::Numeric, false),
    ("NumericNotEquals", Family::Numeric, true),
    ("NumericLessThan", Family::Numeric, false),
    ("NumericLessThanEquals", Family::Numeric, false),
    ("NumericGreaterThan", Family::Numeric, false),
    ("NumericGreaterThanEquals", Family::Numeric, false),
    ("DateEquals", Family::Date, false),
    ("DateNotEquals", Family::Date, true),
    ("DateLessThan", Family::Date, false),
    ("DateLessThanEquals", Family::Date, false),
    ("DateGreaterThan", Family::Date, false),
    ("DateGreaterThanEquals", Family::Date, false),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, true),
    ("ArnEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
];

/// The key a variable such as `${aws:PrincipalTag/team, 'x'}` reads, and whether it has a default.
fn variables(value: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        if !matches!(inner, "*" | "?" | "$") {
            let key = inner.split(',').next().unwrap().trim().to_owned();
            out.push((key, inner.contains(',')));
        }
        rest = &after[end + 1..];
    }
    out
}

impl Case {
    /// Whether `value` holds a variable that has no value in this request.
    fn unresolvable(&self, value: &str) -> bool {
        variables(value).into_iter().any(|(k, default)| {
            !default
                && !self
                    .context
                    .iter()
                    .any(|(c, v)| c.eq_ignore_ascii_case(&k) && v.is_string())
        })
    }
}

fn condition(g: &mut Rng, case: &mut Case) -> Value {
    let mut blocks: Map<String, Value> = Map::new();
    for _ in 0..1 + g.below(2) {
        let def = g.pick(&KEYS);
        let null = g.chance(8);
        let (mut op, negated) = if null {
            ("Null".to_owned(), false)
        } else {
            let family = if def.family == Family::Multi {
                Family::String
            } else {
                def.family
            };
            let candidates: Vec<&(&str, Family, bool)> =
                OPERATORS.iter().filter(|(_, f, _)| *f == family).collect();
            let (name, _, neg) = **g.pick(&candidates);
            (name.to_owned(), neg)
        };
        let values: Vec<String> = if null {
            vec![g.pick(&["true", "false"]).to_string()]
        } else {
            let n = 1 + g.below(2);
            (0..n)
                .map(|_| g.pick(def.policy_values).to_string())
                .collect()
        };
        let mut set = None;
        if !null {
            if g.chance(25) {
                op.push_str("IfExists");
            }
            if def.family == Family::Multi || g.chance(10) {
                set = Some(if g.chance(50) {
                    "ForAllValues"
                } else {
                    "ForAnyValue"
                });
            }
        }
        let present = case.has(def.key);
        if let Some(s) = set {
            if s == "ForAnyValue" && op.ends_with("IfExists") && !present {
                case.tags.insert("forany-ifexists-missing");
            }
            op = format!("{s}:{op}");
        }
        if def.family == Family::Ip && values.iter().any(|v| v.ends_with("/0")) {
            case.tags.insert("cidr-zero-prefix");
        }
        let source_ip = case
            .context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(def.key))
            .and_then(|(_, v)| v.as_str());
        if let (true, Some(ip)) = (op.contains("NotIpAddress"), source_ip) {
            let other_family = |v: &String| !v.contains('/') && v.contains(':') != ip.contains(':');
            if values.iter().any(other_family) {
                case.tags.insert("not-ip-address-other-family");
            }
        }
        let equals = op.contains("StringEquals") || op.contains("StringNotEquals");
        let escape = |v: &String| v.contains("${*}") || v.contains("${?}") || v.contains("${$}");
        if equals && values.iter().any(escape) {
            case.tags.insert("escape-in-string-equals");
        }
        let string_like = matches!(def.family, Family::String | Family::Arn | Family::Multi);
        if negated && present && string_like && values.iter().any(|v| case.unresolvable(v)) {
            case.tags.insert("negated-null-variable");
        }
        let entry = blocks.entry(op).or_insert_with(|| json!({}));
        entry[def.key] = json!(values);
    }
    Value::Object(blocks)
}

fn statement(g: &mut Rng, case: &mut Case, effect: &str) -> Value {
    let mut s = Map::new();
    if g.chance(30) {
        s.insert("Sid".into(), json!(format!("S{}", g.below(100))));
    }
    s.insert("Effect".into(), json!(effect));
    let actions: Vec<String> = (0..1 + g.below(2))
        .map(|_| action_pattern(g, &case.action))
        .collect();
    let key = if g.chance(15) { "NotAction" } else { "Action" };
    s.insert(key.into(), json!(actions));
    let mut resources = Vec::new();
    for _ in 0..1 + g.below(2) {
        let (p, prefix_case) = resource_pattern(g, &case.resource);
        if prefix_case {
            case.tags.insert("arn-prefix-case");
        }
        resources.push(p);
    }
    let key = if g.chance(12) {
        "NotResource"
    } else {
        "Resource"
    };
    if key == "NotResource" && resources.iter().any(|r| case.unresolvable(r)) {
        case.tags.insert("notresource-null-variable");
    }
    s.insert(key.into(), json!(resources));
    if g.chance(45) {
        s.insert("Condition".into(), condition(g, case));
    }
    Value::Object(s)
}

fn document(g: &mut Rng, case: &mut Case, statements: Vec<Value>) -> Value {
    let mut doc = json!({ "Statement": statements });
    match g.below(30) {
        0 => doc["Version"] = json!("2008-10-17"),
        1 => {}
        _ => doc["Version"] = json!("2012-10-17"),
    }
    if doc["Version"] != json!("2012-10-17") && doc.to_string().contains("${") {
        case.tags.insert("version-2008");
    }
    doc
}

fn identity_document(g: &mut Rng, case: &mut Case) -> Value {
    let n = 1 + g.below(3);
    let statements = (0..n)
        .map(|_| {
            let effect = if g.chance(22) { "Deny" } else { "Allow" };
            statement(g, case, effect)
        })
        .collect();
    document(g, case, statements)
}

fn trust_principal(g: &mut Rng, case: &Case) -> Value {
    let root = format!("arn:aws:iam::{ACCOUNT}:root");
    match g.below(9) {
        0 | 1 => json!({ "AWS": case.principal_arn() }),
        2 => json!({ "AWS": case.role_arn() }),
        3 | 4 => json!({ "AWS": root }),
        5 => json!({ "AWS": ACCOUNT }),
        6 => json!({ "AWS": "arn:aws:iam::444455556666:root" }),
        7 => json!({ "Service": "ec2.amazonaws.com" }),
        _ => json!("*"),
    }
}

fn trust_document(g: &mut Rng, case: &mut Case) -> Value {
    let mut statements = Vec::new();
    for _ in 0..1 + g.below(2) {
        let mut s = json!({
            "Effect": "Allow",
            "Action": g.pick(&["sts:AssumeRole", "sts:*", "sts:AssumeRole*", "s3:GetObject"]).to_string(),
            "Principal": trust_principal(g, case),
        });
        if g.chance(30) {
            s["Condition"] = condition(g, case);
        }
        statements.push(s);
    }
    if g.chance(20) {
        let mut s = json!({ "Effect": "Deny", "Action": "sts:AssumeRole" });
        if g.chance(50) {
            s["Principal"] = trust_principal(g, case);
        } else {
            // All of the caller's identities, none, or some of them.
            let root = format!("arn:aws:iam::{ACCOUNT}:root");
            let all: Vec<String> = match case.caller {
                CallerKind::User => vec![case.user_arn(), root],
                CallerKind::Role => vec![case.session_arn(), case.role_arn(), root],
            };
            let listed: Vec<String> = match g.below(3) {
                0 => all.clone(),
                1 => vec!["arn:aws:iam::444455556666:root".to_owned()],
                _ => {
                    let keep = 1 + g.below(all.len() - 1);
                    all[..keep].to_vec()
                }
            };
            if listed.iter().any(|l| all.contains(l)) && listed.len() < all.len() {
                case.tags.insert("notprincipal-partial");
            }
            s["NotPrincipal"] = json!({ "AWS": listed });
        }
        if g.chance(30) {
            s["Condition"] = condition(g, case);
        }
        statements.push(s);
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

fn context(g: &mut Rng, case: &mut Case) {
    let principal_arn = match case.caller {
        CallerKind::User => case.user_arn(),
        CallerKind::Role => case.role_arn(),
    };
    let c = &mut case.context;
    c.insert("aws:PrincipalArn".into(), json!(principal_arn));
    c.insert("aws:PrincipalAccount".into(), json!(ACCOUNT));
    match case.caller {
        CallerKind::User => {
            c.insert("aws:PrincipalType".into(), json!("User"));
            c.insert("aws:username".into(), json!(case.name));
        }
        CallerKind::Role => {
            c.insert("aws:PrincipalType".into(), json!("AssumedRole"));
        }
    }
    c.insert("aws:CurrentTime".into(), json!(NOW_ISO));
    c.insert("aws:EpochTime".into(), json!(NOW_EPOCH));
    for def in &KEYS {
        if def.request_values.is_empty() || !g.chance(55) {
            continue;
        }
        if def.key == "aws:CurrentTime" || def.key == "aws:EpochTime" {
            continue;
        }
        let value = if def.family == Family::Multi {
            let n = g.below(3);
            json!((0..n)
                .map(|_| g.pick(def.request_values).to_string())
                .collect::<BTreeSet<_>>())
        } else {
            json!(g.pick(def.request_values))
        };
        // Keys spelled in another case than the policies' now and then.
        let key = if g.chance(15) {
            def.key.to_uppercase()
        } else {
            def.key.to_owned()
        };
        c.insert(key, value);
    }
    if g.chance(40) {
        c.insert(
            "aws:PrincipalTag/bucket".into(),
            json!(g.pick(&["data", "logs"])),
        );
    }
}

/// The `n` cases of `seed`.
pub fn cases(seed: u64, n: usize) -> Vec<Case> {
    let mut g = Rng::new(seed);
    (0..n)
        .map(|id| {
            let caller = if g.chance(70) {
                CallerKind::User
            } else {
                CallerKind::Role
            };
            let (name, path) = match caller {
                CallerKind::User => (*g.pick(&["ann", "bob"]), *g.pick(&["/", "/eng/"])),
                CallerKind::Role => (*g.pick(&["app", "ci"]), *g.pick(&["/", "/svc/"])),
            };
            let trust = g.chance(25);
            let (action, resource) = if trust {
                (
                    g.pick(&["sts:AssumeRole", "sts:AssumeRole", "sts:TagSession"])
                        .to_string(),
                    format!("arn:aws:iam::{ACCOUNT}:role/target"),
                )
            } else {
                request_target(&mut g)
            };
            let mut case = Case {
                id,
                caller,
                path,
                name,
                identity: Vec::new(),
                boundary: None,
                trust: None,
                action,
                resource,
                context: BTreeMap::new(),
                tags: BTreeSet::new(),
            };
            context(&mut g, &mut case);
            for _ in 0..1 + g.below(3) {
                let doc = identity_document(&mut g, &mut case);
                case.identity.push(doc);
            }
            if g.chance(30) {
                case.boundary = Some(identity_document(&mut g, &mut case));
            }
            if trust {
                case.trust = Some(trust_document(&mut g, &mut case));
            }
            case
        })
        .collect()
}
