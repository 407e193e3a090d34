//! What the flows read from a page, for typed pages ([`TestsUsage`],
//! [`EnterpriseAgentsUsage`], [`Usage`], [`Quotas`]) and raw ones
//! ([`RawBreakdowns`], [`RawDocument`]) that keep the rows as the vendor's
//! JSON text. See `genesys::pages` for why both exist.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use super::models::*;
use crate::engine::{paged, Paged};
use crate::models::null_as_empty;

pub use crate::models::RawRow;

/// A paged units answer: `breakdowns` and `_links`.
/// Its rows (`breakdowns`) are read through [`Paged`].
pub trait BreakdownsPage: Paged<Row: Clone> + DeserializeOwned + Default + Clone {
    /// `_links`.
    fn links(&mut self) -> &mut Option<PaginationLinks>;
}

/// [`TestsUsage`] or [`EnterpriseAgentsUsage`] with the rows left as JSON text.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawBreakdowns {
    /// The rows, as the vendor sent them.
    #[serde(deserialize_with = "null_as_empty")]
    pub breakdowns: Vec<RawRow>,
    /// Links.
    #[serde(rename = "_links", skip_serializing_if = "Option::is_none")]
    pub links: Option<PaginationLinks>,
}

paged!(TestsUsage, UnitsByTests, breakdowns);
paged!(
    EnterpriseAgentsUsage,
    EnterpriseAgentUnitsByTestOwnerAccountGroup,
    breakdowns
);
paged!(RawBreakdowns, RawRow, breakdowns, raw);

impl BreakdownsPage for TestsUsage {
    fn links(&mut self) -> &mut Option<PaginationLinks> {
        &mut self.links
    }
}

impl BreakdownsPage for EnterpriseAgentsUsage {
    fn links(&mut self) -> &mut Option<PaginationLinks> {
        &mut self.links
    }
}

impl BreakdownsPage for RawBreakdowns {
    fn links(&mut self) -> &mut Option<PaginationLinks> {
        &mut self.links
    }
}

/// A one-page answer (usage, quotas), typed or raw, and how many rows it has.
pub trait Document: DeserializeOwned + Serialize {
    /// The rows it counts in progress (tests of the usage, quotas).
    fn rows(&self) -> u64;
}

impl Document for Usage {
    fn rows(&self) -> u64 {
        self.usage.as_ref().map_or(0, |u| u.tests.len() as u64)
    }
}

impl Document for Quotas {
    fn rows(&self) -> u64 {
        self.quotas.len() as u64
    }
}

/// A one-page answer kept as the vendor's JSON text (an object).
#[derive(Clone, Debug, Serialize)]
#[serde(transparent)]
pub struct RawDocument {
    /// The whole answer.
    pub json: RawRow,
    #[serde(skip)]
    rows: u64,
}

/// The lists a raw answer is counted by, and nothing else.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Counted {
    usage: Option<CountedUsage>,
    #[serde(deserialize_with = "null_as_empty")]
    quotas: Vec<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CountedUsage {
    #[serde(deserialize_with = "null_as_empty")]
    tests: Vec<IgnoredAny>,
}

impl<'de> Deserialize<'de> for RawDocument {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let json = RawRow::deserialize(d)?;
        if !json.get().trim_start().starts_with('{') {
            return Err(D::Error::custom("expected an object"));
        }
        let counted: Counted = serde_json::from_str(json.get()).map_err(D::Error::custom)?;
        let rows = counted.quotas.len() + counted.usage.map_or(0, |u| u.tests.len());
        Ok(RawDocument {
            json,
            rows: rows as u64,
        })
    }
}

impl Document for RawDocument {
    fn rows(&self) -> u64 {
        self.rows
    }
}
