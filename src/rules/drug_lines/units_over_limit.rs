//! `units-over-limit`: units stay within the limits the user configured.
//!
//! Payers deny units above their own per-line limits (`unitLimits` in the payer policy)
//! and above CMS Medically Unlikely Edits: an MUE with adjudication indicator 1 limits
//! one claim line; indicators 2 and 3 limit the units of a code on one date of service,
//! across the claim's lines. No limit is built in: MUE values come only from the user's
//! CMS table (`mueFile`), and with neither setting the rule says nothing. Source: CMS
//! NCCI MUE program (practitioner services table, MAI 1/2/3).

use std::collections::BTreeMap;

use super::billed_lines;
use crate::calendar::CalendarDate;
use crate::config::MueAdjudication;
use crate::decimal::Decimal;
use crate::diagnostic::Severity;
use crate::rules::LineFacts;
use crate::rules::{Formats, Reads, Report, Rule, RuleContext, RuleScope};

pub static RULE: Rule = Rule {
    id: "units-over-limit",
    default_severity: Severity::Warning,
    summary: "Units exceed a configured unit limit or an MUE from the user's MUE table",
    check,
    fix: None,
    scope: RuleScope::Claim,
    reads: Reads::Billing,
    formats: Formats::Both,
    default_for_policy: None,
};

fn units_word(units: Decimal) -> &'static str {
    if units == Decimal::from_int(1) {
        "unit"
    } else {
        "units"
    }
}

fn check(context: &RuleContext<'_>, report: &mut Report<'_>) {
    let source = context.source;
    // Units per claim, code and date of service, for MUEs applied per date of service.
    let mut per_date: BTreeMap<(usize, String, CalendarDate), (Vec<&LineFacts<'_>>, Decimal)> = BTreeMap::new();
    for line in billed_lines(context) {
        let Some((code, _)) = line.hcpcs() else { continue };
        let Some(units) = line.unit_count() else { continue };
        let element = line.units_field().name;
        let policy = context.policy_of(line);
        if let Some(limit) = policy.unit_limits.get(code) {
            if units > Decimal::from_int(i64::try_from(*limit).unwrap_or(i64::MAX)) {
                report.add_for(
                    &policy,
                    line.units_field().span,
                    format!(
                        "{element} is {units} {} of {code}; the payer's unit limit (unitLimits) is {limit} per line",
                        units_word(units)
                    ),
                );
            }
        }
        let Some(mue) = context.mue.and_then(|table| table.limit(code)) else { continue };
        let limit = Decimal::from_int(i64::try_from(mue.value).unwrap_or(i64::MAX));
        match mue.adjudication {
            MueAdjudication::Line => {
                if units > limit {
                    report.add_for(
                        &policy,
                        line.units_field().span,
                        format!(
                            "{element} is {units} {} of {code}; the MUE in the MUE table is {} per line (MAI 1)",
                            units_word(units),
                            mue.value
                        ),
                    );
                }
            }
            MueAdjudication::DateOfService => {
                let Some(date) = line.date_of_service else { continue };
                let key = (line.claim, code.to_string(), date);
                let entry = per_date.entry(key).or_insert_with(|| (Vec::new(), Decimal::ZERO));
                let Some(sum) = entry.1.checked_add(units) else { continue };
                entry.1 = sum;
                entry.0.push(line);
            }
        }
    }
    for ((_, code, _), (lines, total)) in per_date {
        let Some(mue) = context.mue.and_then(|table| table.limit(&code)) else { continue };
        let limit = Decimal::from_int(i64::try_from(mue.value).unwrap_or(i64::MAX));
        let Some(first) = lines.first() else { continue };
        if total <= limit {
            continue;
        }
        let numbers: Vec<String> = lines.iter().map(|line| line.number_text(source)).collect();
        let across = match numbers.as_slice() {
            [one] => format!("on line {one}"),
            many => format!("across lines {}", many.join(", ")),
        };
        let message = format!(
            "{total} {} of {code} on one date of service {across}; the MUE in the MUE table is {} per date of service (MAI 2/3)",
            units_word(total),
            mue.value
        );
        let policy = context.policy_of(first);
        report.add_for(&policy, first.units_field().span, message);
    }
}
