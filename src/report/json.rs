//! The JSON report: the [`Report`] as is, versioned by its `schema` field.

use super::Report;

/// Writes the report as it serializes, without a copy of it in memory.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    super::write_json(out, report)
}
