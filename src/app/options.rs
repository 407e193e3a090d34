//! Every option list of the query form, built from the vendor enums: the
//! wire names are the enums' own serde names and the order is their `ALL`,
//! so a value the vendor module knows is offered, and parsed back, without
//! being written out again here. Only the labels people read live here.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::genesys::{
    ClientGroupBy, ClientJobGroupBy, Granularity, JobHttpMethod, JobMetric, OrganizationGroupBy,
    OrganizationJobGroupBy, SimpleSearchHttpMethod, SimpleSearchMetric, UsageMetric,
};
use crate::thousandeyes::ExpandUsageOptions;

/// One toggle of the form: its wire name and its label.
pub type Choice = (String, String);

/// A vendor enum the form offers as toggles.
pub trait Offered: Copy + Serialize + DeserializeOwned + 'static {
    /// Every value, in the order the form shows them.
    fn all() -> &'static [Self];
    /// The label people read; `None`: the wire name itself.
    fn label(self) -> Option<&'static str> {
        None
    }
}

/// A value's wire name: its serde name (empty if it has none, which no
/// vendor enum does). The names hold no character JSON would escape.
pub fn wire_name<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    json.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .map(str::to_string)
        .unwrap_or_default()
}

/// Every value of `T` as a toggle of the form.
pub fn choices<T: Offered>() -> Vec<Choice> {
    T::all()
        .iter()
        .map(|v| {
            let wire = wire_name(v);
            let label = v.label().map_or_else(|| wire.clone(), str::to_string);
            (wire, label)
        })
        .collect()
}

/// The granularity toggles: each bucket size, then one total (empty wire name).
pub fn granularity_choices() -> Vec<Choice> {
    let mut out = choices::<Granularity>();
    out.push((String::new(), "Total".into()));
    out
}

/// The `expand` toggles of the ThousandEyes usage.
pub fn expand_choices() -> Vec<Choice> {
    choices::<ExpandUsageOptions>()
}

/// Whether `wire` is one of `choices`.
pub fn offers(choices: &[Choice], wire: &str) -> bool {
    choices.iter().any(|(w, _)| w == wire)
}

/// Implements [`Offered`] for a vendor enum, with its labels if they are not
/// its wire names.
macro_rules! offered {
    ($t:ty) => {
        impl Offered for $t {
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
        }
    };
    ($t:ty { $($v:ident => $label:literal),+ $(,)? }) => {
        impl Offered for $t {
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
            fn label(self) -> Option<&'static str> {
                Some(match self {
                    $(Self::$v => $label),+
                })
            }
        }
    };
}

offered!(Granularity);
offered!(SimpleSearchHttpMethod);
offered!(JobHttpMethod);
offered!(OrganizationGroupBy { OAuthClientId => "OAuth client", OrganizationId => "Organization", UserId => "User", TemplateUri => "Endpoint", HttpMethod => "Method" });
offered!(ClientGroupBy { OAuthClientId => "OAuth client", OrganizationId => "Organization", TemplateUri => "Endpoint", HttpMethod => "Method" });
offered!(OrganizationJobGroupBy { OauthClientName => "Client name", OauthClientId => "Client id", UserId => "User", HttpMethod => "Method", TemplateUri => "Endpoint", Platform => "Platform" });
offered!(ClientJobGroupBy { OrganizationId => "Organization", HttpMethod => "Method", TemplateUri => "Endpoint", Platform => "Platform" });
offered!(UsageMetric { Requests => "Requests", Status200 => "2xx", Status300 => "3xx", Status400 => "4xx", Status429 => "429", Status500 => "5xx" });
offered!(JobMetric { Requests => "Requests", Status200 => "2xx", Status300 => "3xx", Status400 => "4xx", Status429 => "429", Status500 => "5xx" });
offered!(SimpleSearchMetric { Date => "Date", ClientName => "Client name", HttpMethod => "Method", TemplateUri => "Endpoint", Status200 => "2xx", Status300 => "3xx", Status400 => "4xx", Status429 => "429", Status500 => "5xx" });
offered!(ExpandUsageOptions { Test => "Tests", EnterpriseAgentUnit => "Enterprise agent units", EnterpriseAgent => "Enterprise agents", EndpointAgent => "Endpoint agents", EndpointAgentEssential => "Endpoint Agent Essentials", EndpointAgentEmbedded => "Embedded endpoint agents" });

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::fmt::Debug;

    /// Every value appears once, under a label of its own, and its wire name
    /// reads back as the same value.
    fn round_trips<T: Offered + PartialEq + Debug + std::hash::Hash + Eq>(variants: usize) {
        let list = choices::<T>();
        assert_eq!(list.len(), variants, "{}", std::any::type_name::<T>());
        let values: HashSet<T> = T::all().iter().copied().collect();
        assert_eq!(values.len(), variants, "no value is offered twice");
        let labels: HashSet<&String> = list.iter().map(|(_, l)| l).collect();
        assert_eq!(labels.len(), variants, "no two values share a label");
        for (v, (wire, label)) in T::all().iter().zip(&list) {
            assert!(!wire.is_empty() && !label.is_empty());
            let back: T = serde_json::from_value(serde_json::Value::String(wire.clone())).unwrap();
            assert_eq!(&back, v);
        }
    }

    #[test]
    fn every_vendor_value_is_offered_and_round_trips() {
        // The counts are the variants each enum declares.
        round_trips::<Granularity>(3);
        round_trips::<UsageMetric>(6);
        round_trips::<JobMetric>(6);
        round_trips::<SimpleSearchMetric>(9);
        round_trips::<OrganizationGroupBy>(5);
        round_trips::<ClientGroupBy>(4);
        round_trips::<OrganizationJobGroupBy>(6);
        round_trips::<ClientJobGroupBy>(4);
        round_trips::<SimpleSearchHttpMethod>(9);
        round_trips::<JobHttpMethod>(6);
        round_trips::<ExpandUsageOptions>(6);
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<Choice> {
        list.iter()
            .map(|(w, l)| (w.to_string(), l.to_string()))
            .collect()
    }

    #[test]
    fn the_form_shows_the_same_chips_in_the_same_order() {
        // The end-to-end tests find chips by these wire names.
        assert_eq!(
            choices::<OrganizationGroupBy>(),
            pairs(&[
                ("OAuthClientId", "OAuth client"),
                ("OrganizationId", "Organization"),
                ("UserId", "User"),
                ("TemplateUri", "Endpoint"),
                ("HttpMethod", "Method"),
            ])
        );
        assert_eq!(
            choices::<OrganizationJobGroupBy>()[..2],
            pairs(&[
                ("OauthClientName", "Client name"),
                ("OauthClientId", "Client id")
            ])
        );
        assert_eq!(
            choices::<UsageMetric>(),
            pairs(&[
                ("Requests", "Requests"),
                ("Status200", "2xx"),
                ("Status300", "3xx"),
                ("Status400", "4xx"),
                ("Status429", "429"),
                ("Status500", "5xx"),
            ])
        );
        let search: Vec<String> = choices::<SimpleSearchMetric>()
            .into_iter()
            .map(|(w, _)| w)
            .collect();
        assert_eq!(
            search[4..],
            [
                "Status200",
                "Status300",
                "Status400",
                "Status429",
                "Status500"
            ]
        );
        let methods: Vec<String> = choices::<SimpleSearchHttpMethod>()
            .into_iter()
            .map(|(w, l)| {
                assert_eq!(w, l, "a method is labelled by its name");
                w
            })
            .collect();
        assert_eq!(
            methods,
            ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"]
        );
        assert_eq!(
            granularity_choices(),
            pairs(&[
                ("Day", "Day"),
                ("Week", "Week"),
                ("Month", "Month"),
                ("", "Total")
            ])
        );
        assert_eq!(
            expand_choices()[..2],
            pairs(&[
                ("test", "Tests"),
                ("enterprise-agent-unit", "Enterprise agent units")
            ])
        );
    }

    #[test]
    fn expand_wire_names_are_the_vendor_module_s() {
        for v in ExpandUsageOptions::ALL {
            assert_eq!(wire_name(v), v.as_str());
        }
    }
}
