//! The terminal summary of a calibration: the header and, per workload,
//! each key's comment as it is written into the file (one wording for both).

use super::CalibrationEdits;

/// The summary `calibrate` prints.
pub fn table(edits: &CalibrationEdits) -> String {
    let mut out = String::new();
    for line in &edits.header {
        out.push_str(line);
        out.push('\n');
    }
    let mut workload: Option<&str> = None;
    for edit in &edits.edits {
        if workload != Some(edit.workload.as_str()) {
            workload = Some(&edit.workload);
            out.push_str(&format!("\n{}\n", edit.workload));
        }
        let mark = if edit.value.is_some() { "set " } else { "kept" };
        for line in &edit.comment {
            out.push_str(&format!("  {mark}  {line}\n"));
        }
    }
    out
}
