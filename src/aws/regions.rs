//! The commercial-partition (`aws`) region table: every region code mrgen accepts, how many
//! Availability Zones mrgen uses there, and which multi-region components AWS documents as
//! available in it (the MR101 lookup and the MR104 availability warning read this table).
//!
//! Region list
//! -----------
//! Source: https://github.com/boto/botocore/blob/develop/botocore/data/endpoints.json
//! (partition `aws`; read from the botocore 1.43.11 installed on the build machine, which lists
//! the same 34 regions as aws-facts.md §7 for botocore 2026-08).
//!
//! Availability Zones for new accounts
//! -----------------------------------
//! mrgen uses three AZs per region, or two where new accounts only get two.
//! Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-brokernodegroupinfo.html
//! ("If you use the US West (N. California) Region, specify exactly two subnets. For other
//! Regions where Amazon MSK is available, you can specify either two or three subnets" — MSK is
//! available in all 34 regions, so every other region offers at least three AZs to an account.)
//! Only **us-west-1** is a two-AZ region for new accounts. Tokyo is *not* one: new Tokyo
//! accounts get three zones, just not `ap-northeast-1b` (SPEC §3), which is why the templates
//! pick zones with `Fn::GetAZs` instead of guessing names.
//!
//! Component availability (each column's source is on the field below)
//! ---------------------------------------------------------------------
//! A `false` means AWS documents the component as absent there, or the region is missing from a
//! positive list AWS publishes; rules turn it into the MR104 *warning*, not an error.

/// One commercial AWS region and what mrgen knows about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Region code, e.g. `"ap-northeast-1"`.
    pub code: &'static str,
    /// The location AWS names the region after, e.g. `"Tokyo"`.
    pub city: &'static str,
    /// AZs mrgen uses: 3, or 2 where new accounts get only 2 (us-west-1).
    pub azs: u8,
    /// Aurora PostgreSQL Global Database available.
    pub aurora_global: bool,
    /// ElastiCache (Valkey / Redis OSS) Global Datastore available.
    pub global_datastore: bool,
    /// Amazon MSK (provisioned clusters) available.
    pub msk: bool,
    /// MSK Replicator available.
    pub msk_replicator: bool,
    /// Amazon EKS available.
    pub eks: bool,
}

// Column sources:
//
// aurora_global
//   Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.GlobalDatabase.html
//   The table marks Asia Pacific (New Zealand), (Taipei) and (Thailand) "Not available" for
//   Aurora MySQL. UNCONFIRMED for PostgreSQL: the PostgreSQL half of the live page could not be
//   read; the same three regions are assumed absent (as aws-facts.md §7 does) and every other
//   region present. A third-party transcription of the PostgreSQL table (Sept 2026) agrees that
//   Canada West (Calgary) has the same floors as every other listed region.
//
// global_datastore
//   Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html
//   Positive list: Cape Town; Hong Kong, Hyderabad, Jakarta, Malaysia, Melbourne, Mumbai, Osaka,
//   Seoul, Singapore, Sydney, Thailand, Tokyo; Canada Central, Calgary; Frankfurt, London,
//   Ireland, Milan, Paris, Spain, Stockholm, Zurich; Tel Aviv; Bahrain, UAE; N. Virginia, Ohio,
//   N. California, Oregon; Mexico (Central), São Paulo. Absent: Taipei, New Zealand.
//
// msk
//   Source: https://docs.aws.amazon.com/general/latest/gr/msk.html (service endpoints) and the
//   botocore endpoints.json `kafka` service: all 34 regions have an endpoint.
//
// msk_replicator
//   Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator.html
//   The documented list: us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, sa-east-1,
//   eu-west-1, eu-west-2, eu-west-3, eu-central-1, eu-north-1, ap-south-1, ap-southeast-1,
//   ap-southeast-2, ap-northeast-1, ap-northeast-2 (English page as mirrored, and the ko_kr page).
//   Plus ten regions announced later ("now available in ten additional AWS Regions, bringing it
//   to 35"): me-south-1, me-central-1, ap-southeast-3, ap-east-1, ap-northeast-3, ap-southeast-4,
//   af-south-1, eu-south-1, eu-central-2, il-central-1 — read from a third-party summary of the
//   AWS What's New post (https://www.3l3c.ai/us/blog/ai-in-cloud-computing-data-centers/msk-replicator-multi-region).
//   mrgen counts only what AWS's own page lists: those ten are `false` too until the page lists
//   them (MR104 is a warning, and it says the table may be stale).
//   UNCONFIRMED and left `false` (conservative, MR104 warns): ap-east-2, ap-south-2,
//   ap-southeast-5, ap-southeast-6, ap-southeast-7, ca-west-1, eu-south-2, mx-central-1. The
//   "35 Regions" total suggests some of these have it; no AWS page read here lists them.
//
// eks
//   Source: https://docs.aws.amazon.com/general/latest/gr/eks.html and the botocore
//   endpoints.json `eks` service: all 34 regions have an endpoint.

macro_rules! region {
    ($code:literal, $city:literal, $azs:literal, $aurora:literal, $gds:literal, $msk:literal, $rep:literal, $eks:literal) => {
        Region {
            code: $code,
            city: $city,
            azs: $azs,
            aurora_global: $aurora,
            global_datastore: $gds,
            msk: $msk,
            msk_replicator: $rep,
            eks: $eks,
        }
    };
}

/// All commercial-partition (`aws`) regions, sorted by code (34 as of botocore 2026-08).
#[rustfmt::skip]
pub const REGIONS: &[Region] = &[
    //      code              city               azs aurora gds    msk   replicator eks
    region!("af-south-1",     "Cape Town",       3, true,  true,  true, false,  true),
    region!("ap-east-1",      "Hong Kong",       3, true,  true,  true, false,  true),
    region!("ap-east-2",      "Taipei",          3, false, false, true, false, true),
    region!("ap-northeast-1", "Tokyo",           3, true,  true,  true, true,  true),
    region!("ap-northeast-2", "Seoul",           3, true,  true,  true, true,  true),
    region!("ap-northeast-3", "Osaka",           3, true,  true,  true, false,  true),
    region!("ap-south-1",     "Mumbai",          3, true,  true,  true, true,  true),
    region!("ap-south-2",     "Hyderabad",       3, true,  true,  true, false, true),
    region!("ap-southeast-1", "Singapore",       3, true,  true,  true, true,  true),
    region!("ap-southeast-2", "Sydney",          3, true,  true,  true, true,  true),
    region!("ap-southeast-3", "Jakarta",         3, true,  true,  true, false,  true),
    region!("ap-southeast-4", "Melbourne",       3, true,  true,  true, false,  true),
    region!("ap-southeast-5", "Malaysia",        3, true,  true,  true, false, true),
    region!("ap-southeast-6", "New Zealand",     3, false, false, true, false, true),
    region!("ap-southeast-7", "Thailand",        3, false, true,  true, false, true),
    region!("ca-central-1",   "Canada Central",  3, true,  true,  true, true,  true),
    region!("ca-west-1",      "Calgary",         3, true,  true,  true, false, true),
    region!("eu-central-1",   "Frankfurt",       3, true,  true,  true, true,  true),
    region!("eu-central-2",   "Zurich",          3, true,  true,  true, false,  true),
    region!("eu-north-1",     "Stockholm",       3, true,  true,  true, true,  true),
    region!("eu-south-1",     "Milan",           3, true,  true,  true, false,  true),
    region!("eu-south-2",     "Spain",           3, true,  true,  true, false, true),
    region!("eu-west-1",      "Ireland",         3, true,  true,  true, true,  true),
    region!("eu-west-2",      "London",          3, true,  true,  true, true,  true),
    region!("eu-west-3",      "Paris",           3, true,  true,  true, true,  true),
    region!("il-central-1",   "Tel Aviv",        3, true,  true,  true, false,  true),
    region!("me-central-1",   "UAE",             3, true,  true,  true, false,  true),
    region!("me-south-1",     "Bahrain",         3, true,  true,  true, false,  true),
    region!("mx-central-1",   "Mexico Central",  3, true,  true,  true, false, true),
    region!("sa-east-1",      "Sao Paulo",       3, true,  true,  true, true,  true),
    region!("us-east-1",      "N. Virginia",     3, true,  true,  true, true,  true),
    region!("us-east-2",      "Ohio",            3, true,  true,  true, true,  true),
    region!("us-west-1",      "N. California",   2, true,  true,  true, true,  true),
    region!("us-west-2",      "Oregon",          3, true,  true,  true, true,  true),
];

/// The region with this exact code (codes are lowercase; no case folding is done).
pub fn find(code: &str) -> Option<&'static Region> {
    REGIONS
        .binary_search_by(|r| r.code.cmp(code))
        .ok()
        .and_then(|i| REGIONS.get(i))
}

/// Every region code, in table (alphabetical) order — the candidates for a did-you-mean.
pub fn codes() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|r| r.code)
}

/// Codes of the regions where new accounts get only two AZs (mrgen uses two there).
pub fn two_az_regions() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().filter(|r| r.azs == 2).map(|r| r.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_34_sorted_unique_regions() {
        assert_eq!(REGIONS.len(), 34);
        for pair in REGIONS.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} >= {}", pair[0].code, pair[1].code);
        }
    }

    #[test]
    fn finds_known_and_rejects_misspelt() {
        assert_eq!(find("ap-northeast-1").map(|r| r.city), Some("Tokyo"));
        assert_eq!(find("us-west-2").map(|r| r.city), Some("Oregon"));
        assert!(find("ap-northest-1").is_none());
        assert!(find("AP-NORTHEAST-1").is_none());
        assert!(find("").is_none());
        assert!(find("cn-north-1").is_none(), "China is another partition");
        assert!(find("us-gov-west-1").is_none(), "GovCloud is another partition");
        assert!(
            find("eusc-de-east-1").is_none(),
            "European Sovereign Cloud is another partition"
        );
    }

    #[test]
    fn every_region_is_found_by_its_code() {
        for r in REGIONS {
            assert_eq!(find(r.code), Some(r));
        }
        assert_eq!(codes().count(), REGIONS.len());
    }

    #[test]
    fn only_us_west_1_has_two_azs() {
        assert_eq!(two_az_regions().collect::<Vec<_>>(), vec!["us-west-1"]);
        assert!(REGIONS.iter().all(|r| r.azs == 2 || r.azs == 3));
        assert_eq!(find("ap-northeast-1").map(|r| r.azs), Some(3));
    }

    #[test]
    fn documented_gaps() {
        let taipei = find("ap-east-2");
        assert_eq!(taipei.map(|r| r.aurora_global), Some(false));
        assert_eq!(taipei.map(|r| r.global_datastore), Some(false));
        assert_eq!(taipei.map(|r| r.msk_replicator), Some(false));
        assert_eq!(taipei.map(|r| r.msk), Some(true));
        assert_eq!(taipei.map(|r| r.eks), Some(true));
        assert_eq!(find("ap-southeast-6").map(|r| r.global_datastore), Some(false));
        assert_eq!(find("ap-southeast-7").map(|r| r.aurora_global), Some(false));
        assert_eq!(find("ap-southeast-7").map(|r| r.global_datastore), Some(true));
        assert_eq!(find("ap-northeast-3").map(|r| r.aurora_global), Some(true));
        assert_eq!(find("ap-northeast-3").map(|r| r.msk_replicator), Some(false));
    }

    #[test]
    fn msk_and_eks_everywhere() {
        assert!(REGIONS.iter().all(|r| r.msk && r.eks));
    }
}
