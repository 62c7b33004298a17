//! Payer policy: what a payer class (SBR09) or a payer id (2010BB NM109) requires of
//! drug lines. Layers merge in order: defaults, then the payer class, then the payer id.

use std::collections::{BTreeMap, BTreeSet};

use super::RuleLevel;

/// One layer of policy as the user wrote it; `None` means "not said here".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyLayer {
    /// Rule levels for claims of this payer.
    pub rules: BTreeMap<String, RuleLevel>,
    /// HCPCS codes that need a prior authorization number (REF*G1).
    pub prior_authorization: Option<BTreeSet<String>>,
    /// Most units of a code on one line, and on one date of service.
    pub unit_limits: Option<BTreeMap<String, u64>>,
    /// Whether JW/JZ must be reported on single-dose drug lines.
    pub wastage_modifiers_required: Option<bool>,
    /// Codes known to come in multi-dose containers: exempt from JW/JZ.
    pub multi_dose_codes: Option<BTreeSet<String>>,
    /// Whether drug lines need a 2410 NDC loop.
    pub ndc_required: Option<bool>,
}

/// The policy in force for one claim, after merging the layers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayerPolicy {
    pub rules: BTreeMap<String, RuleLevel>,
    pub prior_authorization: BTreeSet<String>,
    pub unit_limits: BTreeMap<String, u64>,
    pub wastage_modifiers_required: Option<bool>,
    pub multi_dose_codes: BTreeSet<String>,
    pub ndc_required: Option<bool>,
}

impl PayerPolicy {
    pub(super) fn apply(&mut self, layer: &PolicyLayer) {
        self.rules.extend(layer.rules.iter().map(|(id, level)| (id.clone(), *level)));
        if let Some(codes) = &layer.prior_authorization {
            self.prior_authorization.clone_from(codes);
        }
        if let Some(limits) = &layer.unit_limits {
            self.unit_limits.extend(limits.iter().map(|(code, limit)| (code.clone(), *limit)));
        }
        if layer.wastage_modifiers_required.is_some() {
            self.wastage_modifiers_required = layer.wastage_modifiers_required;
        }
        if let Some(codes) = &layer.multi_dose_codes {
            self.multi_dose_codes.clone_from(codes);
        }
        if layer.ndc_required.is_some() {
            self.ndc_required = layer.ndc_required;
        }
    }
}
