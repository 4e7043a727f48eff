//! The aws backend against a scripted fake IAM endpoint on 127.0.0.1: what moto cannot show
//! (throttling, pagination of the bulk call, AWS's encoding of trust policies, odd answers).

use super::*;
use crate::backend::retry::{self, RetryPolicy};
use crate::backend::ErrorCode;
use crate::model::{Name, Tags};
use crate::operation::{AccountOp, GroupOp, Operation, UserOp};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

const ACCOUNT: &str = "123456789012";

/// A scripted IAM: answers for each action, in order; records every request body.
struct FakeIam {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

/// Serves exactly `answers.len()` requests (all queues together), then stops.
fn fake_iam(answers: Vec<(&str, u16, String)>) -> FakeIam {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let total = answers.len();
    let mut queues: HashMap<String, VecDeque<(u16, String)>> = HashMap::new();
    for (action, status, body) in answers {
        queues
            .entry(action.to_owned())
            .or_default()
            .push_back((status, body));
    }
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    std::thread::spawn(move || {
        for _ in 0..total {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let body = String::from_utf8_lossy(&body).into_owned();
            let action = body
                .split('&')
                .find_map(|kv| kv.strip_prefix("Action="))
                .unwrap_or("")
                .to_owned();
            seen.lock().unwrap().push(body);
            let (status, answer) = queues
                .get_mut(&action)
                .and_then(VecDeque::pop_front)
                .unwrap_or((500, format!("no answer scripted for {action}")));
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    FakeIam { url, bodies }
}

fn ok(action: &'static str, result: &str) -> (&'static str, u16, String) {
    (
        action,
        200,
        format!(
            r#"<{action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"#
        ),
    )
}

fn error(
    action: &'static str,
    status: u16,
    code: &str,
    message: &str,
) -> (&'static str, u16, String) {
    (
        action,
        status,
        format!(
            r#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"#
        ),
    )
}

async fn backend(url: &str) -> AwsBackend {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::from_static(DEFAULT_REGION))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        ))
        .retry_config(RetryConfig::disabled())
        .load()
        .await;
    AwsBackend::with_config(
        &config,
        ACCOUNT.into(),
        format!("arn:aws:iam::{ACCOUNT}:user/test"),
        Arc::default(),
    )
}

/// Log lines written while the returned guard lives (this thread only).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

impl Logs {
    fn capture(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The one retry policy, with waits short enough for a test.
fn fast(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base: Duration::from_millis(1),
        cap: Duration::from_millis(1),
        ..RetryPolicy::default()
    }
}

/// Each attempt is one request (the SDK retries nothing itself), each retry is logged once, and
/// past the budget the call fails with IAM's error (defect 19.8: the SDK's five attempts ran
/// inside each of apply's).
#[tokio::test]
async fn throttled_calls_are_retried_once_each_within_one_budget() {
    let throttled = || {
        error(
            "DeleteAccountPasswordPolicy",
            400,
            "Throttling",
            "Rate exceeded",
        )
    };
    let mut answers: Vec<_> = (0..4).map(|_| throttled()).collect();
    answers.insert(2, ok("DeleteAccountPasswordPolicy", ""));
    let iam = fake_iam(answers);
    let logs = Logs::default();
    let _guard = logs.capture();
    let b = backend(&iam.url).await;
    let op = Operation::from(AccountOp::DeleteAccountPasswordPolicy);
    let (result, retries) = retry::execute(&b, &op, &fast(3), &Default::default()).await;
    result.expect("the third attempt succeeds");
    assert_eq!(retries, 2);
    assert_eq!(b.call_counts().get("DeleteAccountPasswordPolicy"), Some(&3));
    let text = logs.text();
    let logged = text
        .matches("retrying after Throttling: Rate exceeded")
        .count();
    assert_eq!(logged, 2, "{text}");
    assert!(text.contains("attempt=3"), "{text}");
    let (result, retries) = retry::execute(&b, &op, &fast(2), &Default::default()).await;
    let e = result.unwrap_err();
    assert_eq!((e.code(), retries), (Some(ErrorCode::Throttling), 1), "{e}");
    assert_eq!(iam.bodies.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn iam_error_codes_and_odd_answers_are_mapped() {
    let iam = fake_iam(vec![
        error(
            "DeleteGroup",
            404,
            "NoSuchEntity",
            "The group with name g cannot be found.",
        ),
        error(
            "DeleteGroup",
            400,
            "ValidationError",
            "1 validation error detected",
        ),
        error("DeleteGroup", 403, "AccessDenied", "not authorized"),
        ("DeleteGroup", 502, "<html>bad gateway</html>".into()),
    ]);
    let b = backend(&iam.url).await;
    let op = GroupOp::DeleteGroup {
        group: Name::from("g"),
    }
    .into();
    let codes: Vec<(Option<ErrorCode>, String)> = {
        let mut v = Vec::new();
        for _ in 0..4 {
            let e = b.execute(&op).await.unwrap_err();
            v.push((e.code(), e.to_string()));
        }
        v
    };
    assert_eq!(codes[0].0, Some(ErrorCode::NoSuchEntity));
    assert!(codes[0]
        .1
        .contains("The group with name g cannot be found."));
    assert_eq!(codes[1].0, Some(ErrorCode::InvalidInput));
    assert_eq!(codes[2].0, Some(ErrorCode::ServiceFailure));
    assert!(
        codes[2].1.contains("AccessDenied: not authorized"),
        "{}",
        codes[2].1
    );
    assert_eq!(codes[3].0, Some(ErrorCode::ServiceFailure));
    assert!(codes[3].1.contains("HTTP 502"), "{}", codes[3].1);
    assert_eq!(b.call_counts().get("DeleteGroup"), Some(&4));
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_service_failure() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let b = backend(&format!("http://127.0.0.1:{port}")).await;
    let e = b
        .execute(&Operation::from(AccountOp::DeleteAccountPasswordPolicy))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::ServiceFailure), "{e}");
}

#[tokio::test]
async fn no_such_entity_right_after_our_create_is_retried() {
    let iam = fake_iam(vec![
        ok("CreateGroup", "<Group><Path>/</Path><GroupName>web</GroupName><GroupId>G</GroupId><Arn>arn:aws:iam::123456789012:group/web</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></Group>"),
        error("AddUserToGroup", 404, "NoSuchEntity", "The group with name web cannot be found."),
        ok("AddUserToGroup", ""),
    ]);
    let logs = Logs::default();
    let _guard = logs.capture();
    let b = backend(&iam.url).await;
    let creations = retry::Creations::default();
    let create = GroupOp::CreateGroup {
        group: Name::from("web"),
        path: "/".into(),
    }
    .into();
    let (created, _) = retry::execute(&b, &create, &fast(1), &creations).await;
    created.expect("create");
    let add = UserOp::AddUserToGroup {
        user: Name::from("mary"),
        group: Name::from("web"),
    }
    .into();
    let (added, _) = retry::execute(&b, &add, &fast(1), &creations).await;
    added.expect("the second try sees the new group");
    assert_eq!(b.call_counts().get("AddUserToGroup"), Some(&2));
    let text = logs.text();
    assert!(text.contains("not caught up"), "{text}");
    assert!(text.contains("group.web"), "{text}");
}

/// `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b c/*"}]}`
/// encoded as IAM does.
const ENCODED: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%20c%2F%2A%22%7D%5D%7D";
const TRUST: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";

#[tokio::test]
async fn read_follows_the_marker_and_decodes_documents() {
    let page1 = format!(
        r#"<UserDetailList><member><Path>/fin/</Path><UserName>Mary</UserName><UserId>U</UserId><Arn>arn:aws:iam::123456789012:user/fin/Mary</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><UserPolicyList><member><PolicyName>inline</PolicyName><PolicyDocument>{ENCODED}</PolicyDocument></member></UserPolicyList><GroupList><member>Web</member></GroupList><AttachedManagedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedManagedPolicies><PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::123456789012:policy/boundary</PermissionsBoundaryArn></PermissionsBoundary><Tags><member><Key>team</Key><Value>a+b</Value></member></Tags></member></UserDetailList><GroupDetailList/><RoleDetailList><member><Path>/</Path><RoleName>App</RoleName><RoleId>R</RoleId><Arn>arn:aws:iam::123456789012:role/App</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>{TRUST}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList/><AttachedManagedPolicies/><Tags/></member></RoleDetailList><Policies/><IsTruncated>true</IsTruncated><Marker>page+2</Marker>"#
    );
    let page2 = format!(
        r#"<UserDetailList/><GroupDetailList><member><Path>/</Path><GroupName>Web</GroupName><GroupId>G</GroupId><Arn>arn:aws:iam::123456789012:group/Web</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><GroupPolicyList/><AttachedManagedPolicies/></member></GroupDetailList><RoleDetailList/><Policies><member><PolicyName>boundary</PolicyName><PolicyId>P</PolicyId><Arn>arn:aws:iam::123456789012:policy/boundary</Arn><Path>/</Path><DefaultVersionId>v2</DefaultVersionId><AttachmentCount>0</AttachmentCount><IsAttachable>true</IsAttachable><Description>the boundary</Description><PolicyVersionList><member><Document>{ENCODED}</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member><member><Document>{ENCODED}</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion></member></PolicyVersionList></member></Policies><IsTruncated>false</IsTruncated>"#
    );
    let iam = fake_iam(vec![
        ok("GetAccountAuthorizationDetails", &page1),
        ok("GetAccountAuthorizationDetails", &page2),
        ok("ListRoles", r#"<Roles><member><Path>/</Path><RoleName>App</RoleName><RoleId>R</RoleId><Arn>arn:aws:iam::123456789012:role/App</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><Description>the app</Description><MaxSessionDuration>7200</MaxSessionDuration></member></Roles><IsTruncated>false</IsTruncated>"#),
        ok("ListInstanceProfiles", r#"<InstanceProfiles><member><Path>/</Path><InstanceProfileName>App</InstanceProfileName><InstanceProfileId>I</InstanceProfileId><Arn>arn:aws:iam::123456789012:instance-profile/App</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><Roles><member><Path>/</Path><RoleName>App</RoleName><RoleId>R</RoleId><Arn>arn:aws:iam::123456789012:role/App</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member></Roles></member></InstanceProfiles><IsTruncated>false</IsTruncated>"#),
        error("GetAccountPasswordPolicy", 404, "NoSuchEntity", "The Password Policy with domain name 123456789012 cannot be found."),
        ok("ListPolicyTags", "<Tags><member><Key>owner</Key><Value>sec</Value></member></Tags><IsTruncated>false</IsTruncated>"),
        ok("ListOpenIDConnectProviders", "<OpenIDConnectProviderList/>"),
        ok("ListSAMLProviders", "<SAMLProviderList/>"),
        ok("ListAccountAliases", "<AccountAliases/><IsTruncated>false</IsTruncated>"),
    ]);
    let b = backend(&iam.url).await;
    b.read_tags_only_for(&[Address::new(crate::model::Kind::Policy, "boundary")]);
    let a = b.read().await.expect("read");

    let second = iam
        .bodies
        .lock()
        .unwrap()
        .iter()
        .filter(|body| body.contains("Action=GetAccountAuthorizationDetails"))
        .nth(1)
        .cloned()
        .expect("a second page was asked for");
    assert!(second.contains("Marker=page%2B2"), "{second}");
    assert!(second.contains("MaxItems=1000"), "{second}");

    let expected_doc = crate::model::PolicyDocument::from_json_str(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a+b c/*"}]}"#,
    )
    .unwrap();
    let mary = &a.users[&Name::from("mary")];
    assert_eq!(mary.name.as_str(), "Mary");
    assert_eq!(mary.path, "/fin/");
    assert_eq!(mary.inline_policies[&Name::from("inline")], expected_doc);
    assert!(mary.groups.contains(&Name::from("web")));
    assert!(mary
        .policies
        .contains("arn:aws:iam::aws:policy/ReadOnlyAccess"));
    assert_eq!(
        mary.permissions_boundary.as_deref(),
        Some("arn:aws:iam::123456789012:policy/boundary")
    );
    assert_eq!(mary.tags, Tags::from([("team".into(), "a+b".into())]));
    let app = &a.roles[&Name::from("app")];
    assert_eq!(app.description.as_deref(), Some("the app"));
    assert_eq!(app.max_session_duration, 7200);
    assert_eq!(
        app.assume_role_policy
            .principal_values()
            .collect::<Vec<_>>(),
        ["ec2.amazonaws.com"]
    );
    let boundary = &a.policies[&Name::from("boundary")];
    assert_eq!(boundary.document, expected_doc);
    assert_eq!(
        boundary
            .versions
            .iter()
            .map(|v| (v.id.as_str(), v.is_default))
            .collect::<Vec<_>>(),
        [("v1", false), ("v2", true)]
    );
    assert_eq!(boundary.description.as_deref(), Some("the boundary"));
    assert_eq!(boundary.tags, Tags::from([("owner".into(), "sec".into())]));
    assert!(a.groups.contains_key(&Name::from("Web")));
    assert!(a.instance_profiles[&Name::from("app")]
        .roles
        .contains(&Name::from("App")));
    assert_eq!(a.password_policy, None);
    let calls = b.call_counts();
    assert_eq!(calls.get("GetAccountAuthorizationDetails"), Some(&2));
    assert_eq!(calls.values().sum::<u64>(), 9, "{calls:?}");
}
