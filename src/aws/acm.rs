//! AWS Certificate Manager: how many names a certificate may hold (MR512).

// Source: https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html ("Domain names per ACM
// certificate: 10", adjustable up to 100) and the RequestCertificate API
// (https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html:
// SubjectAlternativeNames "the initial quota is 10 domain names"; botocore `DomainList` max 100).
/// Names (the subject and its alternative names) a certificate may hold under the default quota.
pub const NAMES_PER_CERTIFICATE_DEFAULT: usize = 10;
