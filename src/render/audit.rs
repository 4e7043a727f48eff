//! Audit reports as text (the cron log, compiler style), JSON (schemas/audit-report.schema.json),
//! Markdown (an issue body: a summary table and a collapsible section per rule) and SARIF (GitHub
//! code scanning). Pure functions; `run::audit` prints the result.

use super::sarif;
use super::style::Style;
use crate::audit::{rule, AuditReport, Finding, Severity, RULES};
use crate::words::count;
use std::fmt::Write;

/// `7 findings (1 critical, 2 high, 4 medium)`.
fn counts(report: &AuditReport) -> String {
    let s = &report.summary;
    let parts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|sev| {
            let n = s.by_severity.get(sev).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", sev.as_str()))
        })
        .collect();
    if parts.is_empty() {
        "no findings".to_owned()
    } else {
        format!("{} ({})", count(s.findings, "finding"), parts.join(", "))
    }
}

fn headline(report: &AuditReport) -> String {
    format!(
        "Audit of account {} as of {}: {}.",
        report.account_id,
        report.now,
        counts(report)
    )
}

/// `2 suppressed by settings.audit.ignore (access-key-too-old: 2)`, or nothing.
fn suppressed_line(report: &AuditReport) -> Option<String> {
    let s = &report.summary;
    (s.suppressed > 0).then(|| {
        let by: Vec<String> = s
            .suppressed_by_rule
            .iter()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect();
        format!(
            "{} suppressed by settings.audit.ignore ({})",
            count(s.suppressed, "finding"),
            by.join(", ")
        )
    })
}

fn severity_label(f: &Finding, style: Style) -> String {
    let label = format!("{}[{}]", f.severity.as_str(), f.rule);
    match f.severity {
        Severity::Critical | Severity::High => style.red(&label),
        Severity::Medium => style.yellow(&label),
        Severity::Low => style.dim(&label),
    }
}

pub fn text(report: &AuditReport, style: Style) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let cis = f.cis.map(|c| format!(" (CIS {c})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "{}: {}{cis}",
            severity_label(f, style),
            style.bold(&f.address.to_string())
        );
        match (&f.location, f.declared) {
            (Some(loc), _) => {
                let _ = writeln!(out, "  --> {loc}");
            }
            (None, Some(false)) => {
                let _ = writeln!(out, "  --> not declared in the configuration");
            }
            _ => {}
        }
        let _ = writeln!(out, "  {}", f.message);
        let _ = writeln!(out, "  {} {}\n", style.dim("fix:"), f.fix);
    }
    let line = headline(report);
    let _ = writeln!(
        out,
        "{}",
        if report.findings.is_empty() {
            style.green(&line)
        } else {
            line
        }
    );
    if let Some(line) = suppressed_line(report) {
        let _ = writeln!(out, "{line}.");
    }
    for n in &report.not_evaluated {
        let _ = writeln!(out, "Not evaluated: {} ({}).", n.rule, n.reason);
    }
    out
}

pub fn json(report: &AuditReport) -> String {
    serde_json::to_string_pretty(report).expect("audit reports always serialise") + "\n"
}

/// Markdown cell text: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(report: &AuditReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### IAM audit of account `{}`\n", report.account_id);
    let _ = writeln!(out, "{}\n", headline(report));
    if let Some(line) = suppressed_line(report) {
        let _ = writeln!(out, "{line}.\n");
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "| rule | severity | CIS | findings |");
        let _ = writeln!(out, "|---|---|---|---:|");
        for r in RULES.iter() {
            if let Some(n) = report.summary.by_rule.get(r.id) {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {n} |",
                    r.id,
                    r.severity.as_str(),
                    r.cis.unwrap_or("—")
                );
            }
        }
        out.push('\n');
        for r in RULES.iter() {
            let found: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == r.id).collect();
            if found.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<details><summary><code>{}</code>: {} ({})</summary>\n",
                r.id,
                count(found.len(), "finding"),
                r.title
            );
            let _ = writeln!(out, "{}.\n", r.checks);
            let _ = writeln!(out, "| address | finding | fix |");
            let _ = writeln!(out, "|---|---|---|");
            for f in found {
                let _ = writeln!(out, "{}", finding_row(f));
            }
            let _ = writeln!(out, "\n</details>\n");
        }
    }
    if !report.not_evaluated.is_empty() {
        let _ = writeln!(out, "Not evaluated:\n");
        for n in &report.not_evaluated {
            let _ = writeln!(out, "- `{}`: {}", n.rule, n.reason);
        }
    }
    out
}

/// A finding's row in its rule's table: the entity (and where the configuration declares it),
/// the finding and its fix.
fn finding_row(f: &Finding) -> String {
    let place = f
        .location
        .as_deref()
        .map(|l| format!(" ({})", cell(l)))
        .unwrap_or_default();
    format!(
        "| `{}`{place} | {} | {} |",
        f.address,
        cell(&f.message),
        cell(&f.fix)
    )
}

fn level(severity: Severity) -> sarif::Level {
    match severity {
        Severity::Critical | Severity::High => sarif::Level::Error,
        Severity::Medium => sarif::Level::Warning,
        Severity::Low => sarif::Level::Note,
    }
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// The report as SARIF: every rule's metadata, and a result per finding (suppressed ones are
/// left out, as they are of the exit code), located where the configuration declares the entity
/// or else on `fallback_file`'s first line.
pub fn sarif(report: &AuditReport, fallback_file: &str) -> String {
    let rules: Vec<sarif::Rule> = RULES
        .iter()
        .map(|r| {
            let cis = r
                .cis
                .map(|c| format!(" CIS AWS Foundations Benchmark v3.0.0 {c}."))
                .unwrap_or_default();
            let mut tags = vec!["security".to_owned(), "iam".to_owned()];
            tags.extend(r.cis.iter().map(|c| format!("CIS {c}")));
            sarif::Rule {
                id: r.id.to_owned(),
                short: r.title.to_owned(),
                full: format!("Checks {}.{cis}", r.checks),
                help: format!("Fix: {}.{cis}", r.fix),
                level: level(r.severity),
                security_severity: Some(security_severity(r.severity)),
                tags,
            }
        })
        .collect();
    let findings: Vec<sarif::Finding> = report
        .findings
        .iter()
        .map(|f| {
            let message = format!("{}: {}. Fix: {}.", f.address, f.message, f.fix);
            sarif::Finding {
                logical: Some(f.address.to_string()),
                fingerprint: Some(fingerprint(report, f)),
                ..sarif::Finding::new(f.rule, level(f.severity), message, f.location.clone())
            }
        })
        .collect();
    debug_assert!(findings.iter().all(|f| rule(&f.rule_id).is_some()));
    sarif::to_string(&sarif::log(
        "iamform/audit/",
        &rules,
        &findings,
        fallback_file,
    ))
}

/// A finding's `primaryLocationLineHash`: the account, the rule, the entity and the stable part of
/// the message.
fn fingerprint(report: &AuditReport, f: &Finding) -> String {
    let identity = format!(
        "{}\n{}\n{}\n{}",
        report.account_id,
        f.rule,
        f.address,
        stable_part(f)
    );
    format!("{}:1", sarif::digest(&identity))
}

/// What identifies a finding across nights: its message without the ages and dates that change
/// every day (`… was created 120 days ago (2024-01-01)` stays the same finding tomorrow).
fn stable_part(f: &Finding) -> String {
    f.message
        .split(|c: char| c.is_ascii_digit())
        .collect::<Vec<_>>()
        .join("#")
}
