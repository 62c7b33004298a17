//! One pass over the segments that groups them into envelopes, levels, claims and lines.
//! It follows the 837 loop openers (HL, CLM, LX, LIN) and tolerates any disorder: a
//! segment in an unexpected place is skipped here and reported by the structural rules.

use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;

use super::{
    Claim, DrugIdentification, FunctionalGroup, HierarchicalLevel, Interchange, LevelCode, ServiceLine, Transaction,
    TransactionKind,
};
use crate::syntax::{SegmentIndex, SyntaxTree};

pub(super) fn interchanges(text: &str, tree: &SyntaxTree) -> Vec<Interchange> {
    let mut builder = Builder { text, tree, interchanges: Vec::new(), in_group: false, in_transaction: false };
    let mut hl_ids: HashMap<&str, usize> = HashMap::default();
    let mut in_other_subscriber = false;
    for (index, segment) in tree.segments.iter().enumerate() {
        match segment.id(text) {
            "ISA" => {
                builder.close_transaction(index);
                builder.interchanges.push(Interchange { isa: Some(index), ..Interchange::default() });
                builder.in_group = false;
            }
            "IEA" => {
                builder.close_transaction(index);
                builder.interchange().iea = Some(index);
                builder.interchanges.push(Interchange::default());
                builder.in_group = false;
            }
            "GS" => {
                builder.close_transaction(index);
                builder.interchange().groups.push(FunctionalGroup { gs: Some(index), ..FunctionalGroup::default() });
                builder.in_group = true;
            }
            "GE" => {
                builder.close_transaction(index);
                builder.group().ge = Some(index);
                builder.in_group = false;
            }
            "ST" => {
                builder.close_transaction(index);
                let version = builder.value(index, 3);
                let gs_version = builder.group_ref().and_then(|g| g.gs).map_or("", |gs| builder.value(gs, 8));
                let kind = TransactionKind::from_version(if version.is_empty() { gs_version } else { version });
                builder.group().transactions.push(Transaction {
                    st: Some(index),
                    se: None,
                    kind,
                    segments: index..index + 1,
                    levels: Vec::new(),
                    claims: Vec::new(),
                });
                builder.in_transaction = true;
                hl_ids.clear();
            }
            "SE" => {
                if let Some(transaction) = builder.open_transaction() {
                    transaction.se = Some(index);
                } else {
                    builder.group().transactions.push(Transaction {
                        st: None,
                        se: Some(index),
                        kind: TransactionKind::Other,
                        segments: index..index + 1,
                        levels: Vec::new(),
                        claims: Vec::new(),
                    });
                }
                builder.close_transaction(index + 1);
            }
            id => {
                let text = builder.text;
                let Some(transaction) = builder.open_transaction() else { continue };
                transaction.segments.end = index + 1;
                let value = |position: usize| -> &str {
                    tree.element(segment, position).map_or("", |element| element.span().text(text))
                };
                body_segment(transaction, id, index, value, &mut hl_ids, &mut in_other_subscriber);
            }
        }
    }
    builder.close_transaction(tree.segments.len());
    // Drop the empty interchange opened after the last IEA.
    if builder.interchanges.last().is_some_and(|i| i.isa.is_none() && i.iea.is_none() && i.groups.is_empty()) {
        builder.interchanges.pop();
    }
    builder.interchanges
}

/// Places one segment of a transaction body in the claim structure.
fn body_segment<'t>(
    transaction: &mut Transaction,
    id: &str,
    index: SegmentIndex,
    value: impl Fn(usize) -> &'t str,
    hl_ids: &mut HashMap<&'t str, usize>,
    in_other_subscriber: &mut bool,
) {
    let claim = transaction.claims.last_mut().filter(|claim| claim.segments.end == index);
    let claim_open = claim.is_some();
    match id {
        "HL" => {
            let parent = hl_ids.get(value(2)).copied();
            hl_ids.insert(value(1), transaction.levels.len());
            transaction.levels.push(HierarchicalLevel {
                hl: index,
                code: LevelCode::from_hl03(value(3)),
                parent,
                subscriber: None,
                payer: None,
                billing_provider: None,
            });
            return;
        }
        "CLM" => {
            *in_other_subscriber = false;
            let level = transaction.levels.len().checked_sub(1);
            transaction.claims.push(Claim {
                clm: index,
                segments: index..index + 1,
                level,
                dates: SmallVec::new(),
                prior_authorization: None,
                diagnoses: SmallVec::new(),
                notes: SmallVec::new(),
                lines: Vec::new(),
            });
            return;
        }
        _ => {}
    }
    let Some(claim) = claim else {
        // Before any claim of this level: 2000A/2000B/2000C and their names.
        let Some(level) = transaction.levels.last_mut() else { return };
        match (id, value(1)) {
            ("SBR", _) => level.subscriber = Some(index),
            ("NM1", "PR") => level.payer = Some(index),
            ("NM1", "85") => level.billing_provider = Some(index),
            _ => {}
        }
        return;
    };
    debug_assert!(claim_open);
    claim.segments.end = index + 1;
    let line = claim.lines.last_mut();
    match (id, line) {
        ("LX", _) => {
            *in_other_subscriber = false;
            claim.lines.push(ServiceLine {
                ordinal: 0,
                lx: index,
                segments: index..index + 1,
                service: None,
                date_of_service: None,
                prior_authorization: None,
                notes: SmallVec::new(),
                drugs: SmallVec::new(),
            });
        }
        (_, Some(line)) => {
            line.segments.end = index + 1;
            match id {
                "SV1" | "SV2" if line.service.is_none() => line.service = Some(index),
                "DTP" if value(1) == "472" && line.date_of_service.is_none() => line.date_of_service = Some(index),
                "REF" if value(1) == "G1" => line.prior_authorization = Some(index),
                "NTE" => line.notes.push(index),
                "LIN" => line.drugs.push(DrugIdentification { lin: index, ctp: None }),
                "CTP" => {
                    if let Some(drug) = line.drugs.last_mut().filter(|d| d.ctp.is_none()) {
                        drug.ctp = Some(index);
                    }
                }
                _ => {}
            }
        }
        (_, None) => match id {
            // 2320/2330: other payers' data, not this claim's.
            "SBR" => *in_other_subscriber = true,
            _ if *in_other_subscriber => {}
            "DTP" => claim.dates.push(index),
            "REF" if value(1) == "G1" => claim.prior_authorization = Some(index),
            "HI" => claim.diagnoses.push(index),
            "NTE" => claim.notes.push(index),
            _ => {}
        },
    }
}

struct Builder<'t> {
    text: &'t str,
    tree: &'t SyntaxTree,
    interchanges: Vec<Interchange>,
    in_group: bool,
    in_transaction: bool,
}

impl<'t> Builder<'t> {
    fn value(&self, segment: SegmentIndex, position: usize) -> &'t str {
        let text = self.text;
        self.tree
            .segment(segment)
            .and_then(|s| self.tree.element(s, position))
            .map_or("", |element| element.span().text(text))
    }

    /// The open interchange, or an implicit one for a file that lacks its ISA.
    fn interchange(&mut self) -> &mut Interchange {
        if self.interchanges.is_empty() {
            self.interchanges.push(Interchange::default());
        }
        let last = self.interchanges.len() - 1;
        &mut self.interchanges[last]
    }

    fn group_ref(&self) -> Option<&FunctionalGroup> {
        self.interchanges.last()?.groups.last().filter(|_| self.in_group)
    }

    /// The open group, or an implicit one for a transaction without its GS.
    fn group(&mut self) -> &mut FunctionalGroup {
        let in_group = self.in_group;
        let interchange = self.interchange();
        if !in_group || interchange.groups.is_empty() {
            interchange.groups.push(FunctionalGroup::default());
        }
        self.in_group = true;
        let interchange = self.interchange();
        let last = interchange.groups.len() - 1;
        &mut interchange.groups[last]
    }

    fn open_transaction(&mut self) -> Option<&mut Transaction> {
        if !self.in_transaction {
            return None;
        }
        self.interchanges.last_mut()?.groups.last_mut()?.transactions.last_mut()
    }

    fn close_transaction(&mut self, _end: SegmentIndex) {
        self.in_transaction = false;
    }
}
