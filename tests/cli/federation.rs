//! OpenID Connect and SAML providers and the account alias, end to end on the mock: created
//! before the roles that trust them and deleted after, updated in place, replaced when the URL
//! changes, drift, import round trip, and the JSON of plans and of the mock account.

use crate::harness::{assert_matches_schema, json, repo, Test};

/// The GitHub Actions example (the provider and the roles `iamform-plan` and `iamform-apply` it
/// trusts) and an alias.
fn github() -> String {
    let example = repo().join("examples/github-actions/iam/main.hcl");
    let text = std::fs::read_to_string(example).expect("the example");
    format!("{text}\naccount_alias \"acme-prod\" {{}}\n")
}

const OWN_PROVIDERS: &str = r#"
settings {
  scope {
    paths = ["/"]
    kinds = ["user", "group", "role", "policy", "instance_profile", "openid_connect_provider", "saml_provider", "account_alias"]
  }
}
"#;

/// The position of the line of `apply`'s progress naming `what`.
fn step(stderr: &str, what: &str) -> usize {
    stderr
        .lines()
        .position(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no `{what}` in\n{stderr}"))
}

fn saml_example(t: Test) -> Test {
    t.example("saml-sso")
}

#[test]
fn a_provider_is_created_before_the_role_that_trusts_it_and_deleted_after() {
    let t = Test::new()
        .file("main.hcl", &github())
        .file("scope.hcl", OWN_PROVIDERS);
    let run = t.apply();
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        step(&out, "CreateOpenIDConnectProvider") < step(&out, "CreateRole role.iamform-plan"),
        "{out}"
    );
    t.assert_converged();
    let live = t.live();
    let provider =
        &live["account"]["openid_connect_providers"]["token.actions.githubusercontent.com"];
    assert_eq!(provider["client_id_list"][0], "sts.amazonaws.com");
    assert_eq!(provider["tags"]["purpose"], "ci");
    assert_eq!(live["account"]["account_alias"]["alias"], "acme-prod");
    assert_matches_schema("mock-account.schema.json", &live);

    // Both gone from the configuration: the role goes first, then the provider IAM would
    // otherwise leave a trust policy naming.
    t.write("main.hcl", "user \"keeper\" {}\n");
    let plan = t.run(&["plan", "--json"]).expect(0);
    assert_matches_schema("plan.schema.json", &json(&plan));
    let run = t.apply();
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(
        step(&out, "DeleteRole role.iamform-plan") < step(&out, "DeleteOpenIDConnectProvider"),
        "{out}"
    );
    assert!(out.contains("DeleteAccountAlias"), "{out}");
    let live = t.live();
    assert!(
        live["account"].get("openid_connect_providers").is_none(),
        "{live}"
    );
    assert!(live["account"].get("account_alias").is_none(), "{live}");
    t.assert_converged();
}

#[test]
fn undeclared_providers_and_aliases_are_left_alone_without_a_scope_listing_their_kinds() {
    let t = Test::new().file("main.hcl", &github());
    t.apply();
    t.write("main.hcl", "user \"keeper\" {}\n");
    t.write(
        "scope.hcl",
        "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\n",
    );
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout.contains("role.iamform-plan will be destroyed"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("openid_connect_provider.token"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("account_alias will"),
        "{}",
        plan.stdout
    );
    t.apply();
    let live = t.live();
    assert!(
        live["account"]["openid_connect_providers"].is_object(),
        "{live}"
    );
    assert_eq!(live["account"]["account_alias"]["alias"], "acme-prod");
}

#[test]
fn client_ids_thumbprints_and_tags_change_in_place_and_a_new_url_replaces() {
    let t = Test::new()
        .file("main.hcl", &github())
        .file("scope.hcl", OWN_PROVIDERS);
    t.apply();
    let changed = github()
        .replace(
            r#"client_id_list = ["sts.amazonaws.com"]"#,
            r#"client_id_list = ["sts.amazonaws.com", "api://ci"]
  thumbprint_list = ["6938FD4D98BAB03FAADB97B34396831E3780AEA1"]"#,
        )
        .replace(r#"purpose = "ci""#, r#"purpose = "deployments""#)
        .replace("acme-prod", "acme-production");
    t.write("main.hcl", &changed);
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 2 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    let run = t.apply();
    let out = format!("{}{}", run.stdout, run.stderr);
    for call in [
        "AddClientIDToOpenIDConnectProvider",
        "UpdateOpenIDConnectProviderThumbprint",
        "TagOpenIDConnectProvider",
        "CreateAccountAlias",
    ] {
        assert!(out.contains(call), "{call}: {out}");
    }
    t.assert_converged();
    let live = t.live();
    let provider =
        &live["account"]["openid_connect_providers"]["token.actions.githubusercontent.com"];
    assert_eq!(
        provider["thumbprint_list"][0],
        "6938fd4d98bab03faadb97b34396831e3780aea1"
    );
    assert_eq!(live["account"]["account_alias"]["alias"], "acme-production");

    // Another URL is another provider: the new one is created, the role's trust policy moves to
    // it, and the old one is deleted once nothing names it.
    t.write(
        "main.hcl",
        &changed.replace(
            "https://token.actions.githubusercontent.com",
            "https://gitlab.example.com",
        ),
    );
    let run = t.apply();
    let out = format!("{}{}", run.stdout, run.stderr);
    let create = step(&out, "CreateOpenIDConnectProvider");
    let trust = step(&out, "UpdateAssumeRolePolicy");
    let delete = step(&out, "DeleteOpenIDConnectProvider");
    assert!(create < trust && trust < delete, "{out}");
    let live = t.live();
    let names: Vec<&String> = live["account"]["openid_connect_providers"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(names, ["gitlab.example.com"]);
    t.assert_converged();
}

#[test]
fn saml_metadata_compares_by_content_and_drift_is_reported() {
    let t = saml_example(Test::new());
    t.apply();
    t.assert_converged();
    let path = t.config().join("idp-metadata.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    // Reformatted and commented: the same metadata.
    t.write(
        "idp-metadata.xml",
        &xml.replace("\n  ", "\n\n      ").replace(
            "<md:IDPSSODescriptor",
            "<!-- downloaded again -->\n<md:IDPSSODescriptor",
        ),
    );
    t.assert_converged();
    // Other metadata: updated in place.
    t.write(
        "idp-metadata.xml",
        &xml.replace("idp.example.com/saml/sso", "idp.example.com/sso2"),
    );
    let run = t.apply();
    assert!(run.stderr.contains("UpdateSAMLProvider") || run.stdout.contains("UpdateSAMLProvider"));
    t.assert_converged();
    // Changed by hand: drift.
    t.edit_live(|live| {
        live["account"]["saml_providers"]["corporate-idp"]["tags"]["owner"] = "someone".into();
    });
    let drift = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        drift
            .stdout
            .contains("saml_provider.corporate-idp will be updated in place"),
        "{}",
        drift.stdout
    );
}

#[test]
fn import_writes_providers_and_the_alias_and_plans_no_changes() {
    let t = saml_example(Test::new()).file("github.hcl", &github());
    t.apply();
    let out = t.path("imported");
    let out_text = out.display().to_string();
    let backend = format!("mock:{}", t.account().display());
    t.run_plain(&["import", "--out", &out_text, "--backend", &backend])
        .expect(0);
    let providers = std::fs::read_to_string(out.join("providers.hcl")).unwrap();
    assert!(providers.contains("url"), "{providers}");
    assert!(providers.contains("saml_provider"), "{providers}");
    // Trust policies name the imported providers by reference.
    let roles = std::fs::read_to_string(out.join("roles.hcl")).unwrap();
    assert!(
        roles.contains("openid_connect_provider.token_actions_githubusercontent_com.arn"),
        "{roles}"
    );
    assert!(roles.contains("saml_provider.corporate-idp.arn"), "{roles}");
    let alias = std::fs::read_to_string(out.join("account_alias.hcl")).unwrap();
    assert!(alias.contains("account_alias \"acme-prod\""), "{alias}");
    let plan = t
        .run_plain(&[
            "plan",
            "--detailed-exitcode",
            &out_text,
            "--backend",
            &backend,
        ])
        .expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
}

#[test]
fn the_examples_of_each_kind_apply_and_converge() {
    for example in ["github-actions/iam", "saml-sso"] {
        let t = Test::new().example(example);
        t.run(&["validate"]).expect(0);
        t.apply();
        t.assert_converged();
    }
    assert!(repo().join("examples/account-settings/main.hcl").is_file());
}
