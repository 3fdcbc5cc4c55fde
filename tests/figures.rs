//! Every figure that README.md and docs/ quote from a results file in
//! docs/figures/ is what that file says: the figures part of
//! `bedrock-bench docs --check`, in-process. (After re-measuring,
//! `bedrock-bench docs` rewrites them.)

use std::path::Path;

use bedrock_bench::figures::render_documents;

#[test]
fn the_documents_quote_their_results_files_exactly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let documents = render_documents(root).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        documents.iter().any(|(p, _, _)| p.ends_with("README.md")),
        "README.md is among the documents"
    );
    let stale: Vec<String> = documents
        .iter()
        .filter(|(_, current, rendered)| current != rendered)
        .map(|(path, _, _)| path.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "these documents quote figures that differ from docs/figures/ (run `cargo run --release -- docs`): {stale:?}"
    );
}
