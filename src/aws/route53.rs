//! Route 53 health-check values (MR501, MR502), weighted-record weights (MR506), geolocation
//! codes (MR508), health-checker and latency-record regions.

// Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html
// ("Request interval": Standard (30 seconds) or Fast (10 seconds); can't be changed after the
// health check is created). The API shape RequestInterval is an integer 10..=30
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html), but the
// only values Route 53 accepts are 10 and 30.
/// The two request intervals Route 53 health checks accept, seconds.
pub const HEALTH_CHECK_INTERVALS: [u32; 2] = [10, 30];

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
// FailureThreshold: integer, minimum 1, maximum 10 (botocore `FailureThreshold` shape min 1 max 10;
// .NET SDK docs: "Valid values are integers between 1 and 10").
/// Smallest failure threshold.
pub const FAILURE_THRESHOLD_MIN: u32 = 1;
/// Largest failure threshold.
pub const FAILURE_THRESHOLD_MAX: u32 = 10;

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
// Weight: long, minimum 0, maximum 255.
/// Largest weight of a weighted record (the smallest is 0).
pub const WEIGHT_MAX: u32 = 255;

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
// SetIdentifier: 1..=128 characters.
/// Longest SetIdentifier of a non-simple record.
pub const SET_IDENTIFIER_MAX: usize = 128;

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
// ResourcePath: maximum length 255.
/// Longest health-check resource path.
pub const RESOURCE_PATH_MAX: usize = 255;

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_GeoLocation.html
// "Amazon Route 53 supports the following continent codes: AF, AN, AS, EU, OC, NA, SA".
/// Continent codes Route 53 accepts, sorted.
pub const CONTINENT_CODES: &[&str] = &["AF", "AN", "AS", "EU", "NA", "OC", "SA"];

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_GeoLocation.html
// "Amazon Route 53 uses the two-letter country codes that are specified in ISO standard 3166-1
// alpha-2. Route 53 also supports the country code UA for Ukraine."
// The list itself is Route 53's own answer to ListGeoLocations
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListGeoLocations.html), as saved
// by `aws route53 list-geo-locations` in a public repository (IsTruncated false). It is ISO
// 3166-1 alpha-2 without BV, EH and HM, plus XK (Kosovo), which Route 53 accepts although it is
// not an ISO code.
// UNCONFIRMED: the age of that capture; a code ISO added since then would be missing here.
/// Country codes Route 53 accepts, sorted.
#[rustfmt::skip]
pub const COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO",
    "CR", "CU", "CV", "CW", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "ER",
    "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI",
    "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HN", "HR", "HT", "HU",
    "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG",
    "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
    "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO",
    "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG",
    "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD",
    "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY",
    "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS",
    "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_GeoLocation.html
// "SubdivisionCode: For geolocation resource record sets, the two-letter code for a state of the
// United States. Route 53 doesn't support any other values for SubdivisionCode ... If you
// specify subdivisioncode, you must also specify US for CountryCode."
// The list is the US subdivisions in the ListGeoLocations capture above: the 50 states and DC.
// NOTE: that (older) capture also lists Ukrainian subdivisions (UA-05 … UA-77); the current API
// reference says only US states are supported, so mrgen follows the documentation and accepts
// US subdivisions only (SPEC's `US-CA` form).
/// Subdivision codes Route 53 accepts for country US, sorted.
#[rustfmt::skip]
pub const US_STATE_CODES: &[&str] = &[
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN",
    "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
    "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA",
    "WI", "WV", "WY",
];

/// Accepts "TW", "continent:EU", "US-CA", "*".
///
/// Codes are case-sensitive as Route 53's are: countries, continents and states are uppercase,
/// the `continent:` prefix lowercase. Only the US has subdivisions.
pub fn geolocation_code_valid(code: &str) -> bool {
    if code == "*" {
        return true;
    }
    if let Some(continent) = code.strip_prefix("continent:") {
        return CONTINENT_CODES.binary_search(&continent).is_ok();
    }
    if let Some((country, subdivision)) = code.split_once('-') {
        return country == "US" && US_STATE_CODES.binary_search(&subdivision).is_ok();
    }
    COUNTRY_CODES.binary_search(&code).is_ok()
}

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html
// Regions: "A complex type that contains one Region element for each region from which you want
// Amazon Route 53 health checkers to check the specified endpoint"; enum HealthCheckRegion =
// us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1,
// sa-east-1; list minimum 3 items (botocore HealthCheckRegionList min 3).
/// Regions Route 53 health checkers run from, sorted.
pub const HEALTH_CHECKER_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-west-1",
    "sa-east-1",
    "us-east-1",
    "us-west-1",
    "us-west-2",
];

/// Fewest health-checker regions a health check may name (when it names any).
pub const HEALTH_CHECKER_REGIONS_MIN: usize = 3;

// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html
// Region (latency records): the ResourceRecordSetRegion enum in botocore 1.43.11 includes every
// commercial region, ap-east-2, ap-southeast-5/6/7, ca-west-1 and mx-central-1 among them.
/// `true` when Route 53 latency records accept `region` (every `aws`-partition region mrgen knows).
pub fn latency_region_supported(region: &str) -> bool {
    super::regions::find(region).is_some()
}

// Source: https://aws.amazon.com/route53/faqs/ ("To configure DNS Failover for ELB and Amazon S3
// Website endpoints, you need to use Alias records which have fixed TTL of 60 seconds") and
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
// (an alias record to an AWS resource takes the resource's TTL; it cannot be set).
/// The TTL resolvers cache an alias record to a load balancer with, seconds.
pub const LOAD_BALANCER_ALIAS_TTL_SECONDS: i64 = 60;

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_unique(list: &[&str]) -> bool {
        list.windows(2).all(|p| p[0] < p[1])
    }

    #[test]
    fn health_check_values() {
        assert_eq!(HEALTH_CHECK_INTERVALS, [10, 30]);
        assert!(!HEALTH_CHECK_INTERVALS.contains(&20));
        assert_eq!((FAILURE_THRESHOLD_MIN, FAILURE_THRESHOLD_MAX), (1, 10));
        assert_eq!(WEIGHT_MAX, 255);
    }

    #[test]
    fn lists_are_sorted_for_binary_search() {
        assert!(sorted_unique(CONTINENT_CODES));
        assert!(sorted_unique(COUNTRY_CODES));
        assert!(sorted_unique(US_STATE_CODES));
        assert!(sorted_unique(HEALTH_CHECKER_REGIONS));
        assert_eq!(CONTINENT_CODES.len(), 7);
        assert_eq!(US_STATE_CODES.len(), 51);
        assert!(COUNTRY_CODES
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn valid_geolocation_codes() {
        for ok in [
            "TW",
            "JP",
            "UA",
            "XK",
            "US",
            "continent:EU",
            "continent:AN",
            "US-CA",
            "US-DC",
            "US-WY",
            "*",
        ] {
            assert!(geolocation_code_valid(ok), "{ok} should be valid");
        }
    }

    #[test]
    fn invalid_geolocation_codes() {
        for bad in [
            "tw",
            "ZZ",
            "EH",
            "TWN",
            "",
            "continent:XX",
            "continent:eu",
            "Continent:EU",
            "continent:",
            "EU",
            "US-XX",
            "US-ca",
            "UA-30",
            "CA-ON",
            "US-",
            "-CA",
            "**",
            " TW",
        ] {
            assert!(!geolocation_code_valid(bad), "{bad} should be invalid");
        }
    }

    #[test]
    fn health_checker_regions_are_real_regions() {
        assert_eq!(HEALTH_CHECKER_REGIONS.len(), 8);
        assert!(HEALTH_CHECKER_REGIONS_MIN <= HEALTH_CHECKER_REGIONS.len());
        for r in HEALTH_CHECKER_REGIONS {
            assert!(super::super::regions::find(r).is_some(), "{r}");
        }
        assert!(!HEALTH_CHECKER_REGIONS.contains(&"ap-northeast-3"));
    }

    #[test]
    fn latency_regions() {
        assert!(latency_region_supported("ap-east-2"));
        assert!(latency_region_supported("mx-central-1"));
        assert!(!latency_region_supported("ap-northest-1"));
    }
}
