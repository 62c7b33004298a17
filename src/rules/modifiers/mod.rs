//! Modifier rules: the JW/JZ drug-wastage convention, modifiers that exclude each other on
//! one line (59 and X{EPSU}, RT and LT, GA and GZ), duplicates, and modifiers the CMS
//! table does not know or no longer allows on the date of service.
//!
//! Every finding points at the modifier component itself (`SV101-3` … `SV101-6` on 837P,
//! `SV202-3` … `SV202-6` on 837I) and names it by that position.

pub mod duplicate_modifier;
pub mod jw_jz_on_multi_dose;
pub mod jw_jz_same_line;
pub mod jw_without_administered_line;
pub mod jz_with_wastage_line;
pub mod missing_jw_jz;
pub mod modifier_59_with_x;
pub mod modifier_ga_gz;
pub mod modifier_not_effective;
pub mod modifier_rt_lt;
pub mod unknown_modifier;
pub mod wastage_modifier_on_non_drug;

/// The rules of this group, in the order their findings are listed.
pub static RULES: &[&crate::rules::Rule] = &[
    &unknown_modifier::RULE,
    &modifier_not_effective::RULE,
    &duplicate_modifier::RULE,
    &jw_jz_same_line::RULE,
    &jw_without_administered_line::RULE,
    &jz_with_wastage_line::RULE,
    &missing_jw_jz::RULE,
    &jw_jz_on_multi_dose::RULE,
    &wastage_modifier_on_non_drug::RULE,
    &modifier_59_with_x::RULE,
    &modifier_rt_lt::RULE,
    &modifier_ga_gz::RULE,
];

use super::{LineFacts, LineModifier};

pub use crate::codes::{NO_WASTAGE, WASTAGE};

/// For rules about two modifiers that exclude each other on one line: the pair, first
/// and second as written, when the line carries one of `left` and one of `right`.
pub fn conflicting_pair<'f>(
    line: &LineFacts<'f>,
    left: &[&str],
    right: &[&str],
) -> Option<(LineModifier<'f>, LineModifier<'f>)> {
    // Most lines carry one modifier or none: nothing to read then.
    if line.modifiers.len() < 2 {
        return None;
    }
    let first_left = line.modifiers().find(|m| left.contains(&m.text))?;
    let first_right = line.modifiers().find(|m| right.contains(&m.text))?;
    Some(if first_left.span.start <= first_right.span.start {
        (first_left, first_right)
    } else {
        (first_right, first_left)
    })
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds small 837P files around service lines and runs one rule over them.

    use crate::analysis::Analysis;
    use crate::config::Environment;
    use crate::diagnostic::Diagnostic;

    /// An 837P with one claim to payer class `sbr09`; each line is `(sv1, date)`.
    pub(crate) fn claim(sbr09: &str, lines: &[(&str, &str)]) -> String {
        let mut text = format!(
            "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260115*1200*^*00501*000000101*0*T*:~\n\
             GS*HC*SUBMITTER01*RECEIVER01*20260115*1200*101*X*005010X222A1~\n\
             ST*837*0001*005010X222A1~\n\
             HL*1**20*1~\n\
             HL*2*1*22*0~\n\
             SBR*P*18*******{sbr09}~\n\
             CLM*PCN0001*100***11:B:1*Y*A*Y*Y~\n"
        );
        for (number, (sv1, date)) in lines.iter().enumerate() {
            text.push_str(&format!("LX*{}~\n{sv1}~\nDTP*472*D8*{date}~\n", number + 1));
        }
        text.push_str("SE*1*0001~\nGE*1*101~\nIEA*1*000000101~\n");
        text
    }

    /// The findings of one rule on a text, with the text each points at.
    pub(crate) fn findings(rule: &str, text: &str, environment: &Environment) -> Vec<(String, Diagnostic)> {
        let analysis = Analysis::of_text(text.to_string(), environment);
        analysis
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == rule)
            .map(|d| (d.span.text(text).to_string(), d))
            .collect()
    }
}
