//! The Genesys Cloud regions: each domain has an `api.` and a `login.` host.

/// One region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// The SDK key, such as `us_east_1`.
    pub key: &'static str,
    /// The domain, such as `mypurecloud.com`.
    pub domain: &'static str,
    /// Where it is, in words.
    pub name: &'static str,
}

/// All 18 regions of the reference, in its order.
pub const REGIONS: [Region; 18] = [
    Region {
        key: "us_east_1",
        domain: "mypurecloud.com",
        name: "Americas (US East)",
    },
    Region {
        key: "eu_west_1",
        domain: "mypurecloud.ie",
        name: "EMEA (Dublin)",
    },
    Region {
        key: "ap_southeast_2",
        domain: "mypurecloud.com.au",
        name: "Asia Pacific (Sydney)",
    },
    Region {
        key: "ap_northeast_1",
        domain: "mypurecloud.jp",
        name: "Asia Pacific (Tokyo)",
    },
    Region {
        key: "eu_central_1",
        domain: "mypurecloud.de",
        name: "EMEA (Frankfurt)",
    },
    Region {
        key: "us_west_2",
        domain: "usw2.pure.cloud",
        name: "Americas (US West)",
    },
    Region {
        key: "ca_central_1",
        domain: "cac1.pure.cloud",
        name: "Americas (Canada)",
    },
    Region {
        key: "ap_northeast_2",
        domain: "apne2.pure.cloud",
        name: "Asia Pacific (Seoul)",
    },
    Region {
        key: "eu_west_2",
        domain: "euw2.pure.cloud",
        name: "EMEA (London)",
    },
    Region {
        key: "ap_south_1",
        domain: "aps1.pure.cloud",
        name: "Asia Pacific (Mumbai)",
    },
    Region {
        key: "us_east_2",
        domain: "use2.us-gov-pure.cloud",
        name: "Americas (US East 2, FedRAMP)",
    },
    Region {
        key: "sa_east_1",
        domain: "sae1.pure.cloud",
        name: "Americas (São Paulo)",
    },
    Region {
        key: "me_central_1",
        domain: "mec1.pure.cloud",
        name: "Middle East (UAE)",
    },
    Region {
        key: "ap_northeast_3",
        domain: "apne3.pure.cloud",
        name: "Asia Pacific (Osaka)",
    },
    Region {
        key: "eu_central_2",
        domain: "euc2.pure.cloud",
        name: "EMEA (Zurich)",
    },
    Region {
        key: "mx_central_1",
        domain: "mxc1.pure.cloud",
        name: "Americas (Mexico)",
    },
    Region {
        key: "ap_southeast_1",
        domain: "apse1.pure.cloud",
        name: "Asia Pacific (Singapore)",
    },
    Region {
        key: "eusc_de_east_1",
        domain: "edee1.eusc-pure.cloud",
        name: "EU Sovereign Cloud (Germany)",
    },
];

impl Region {
    /// Finds a region by domain (`mypurecloud.ie`), SDK key (`eu_west_1`) or
    /// host (`api.mypurecloud.ie`, `https://login.mypurecloud.ie`).
    pub fn find(text: &str) -> Option<Region> {
        let t = text.trim().trim_end_matches('/').to_ascii_lowercase();
        let t = t.strip_prefix("https://").unwrap_or(&t);
        let t = t
            .strip_prefix("api.")
            .or_else(|| t.strip_prefix("login."))
            .unwrap_or(t);
        // An AWS-style name (`us-east-1`) is the key with hyphens.
        let key = t.replace('-', "_");
        REGIONS
            .iter()
            .find(|r| r.domain == t || r.key == t || r.key == key)
            .copied()
    }

    /// `https://api.{domain}`.
    pub fn api_base(&self) -> String {
        format!("https://api.{}", self.domain)
    }

    /// `https://login.{domain}`.
    pub fn login_base(&self) -> String {
        format!("https://login.{}", self.domain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_regions_map_to_their_hosts() {
        assert_eq!(REGIONS.len(), 18);
        let mut domains: Vec<_> = REGIONS.iter().map(|r| r.domain).collect();
        domains.sort();
        domains.dedup();
        assert_eq!(domains.len(), 18);
        let r = Region::find("mypurecloud.com").unwrap();
        assert_eq!(r.api_base(), "https://api.mypurecloud.com");
        assert_eq!(r.login_base(), "https://login.mypurecloud.com");
        assert_eq!(
            Region::find("eusc_de_east_1").unwrap().domain,
            "edee1.eusc-pure.cloud"
        );
        assert_eq!(
            Region::find("https://api.usw2.pure.cloud/").unwrap().key,
            "us_west_2"
        );
        assert_eq!(Region::find("example.com"), None);
        assert_eq!(Region::find("us-east-1").unwrap().domain, "mypurecloud.com");
        assert_eq!(Region::find("eu-west-1").unwrap().domain, "mypurecloud.ie");
    }
}
