import Foundation
import QDACodebook
import QDACoding
import QDAImport
import QDAStore
import QDATestSupport
import Testing

/// `qda diff --codebook A --codebook B` reads and codes the units a batch
/// at a time: the diff must be the one of every unit's codes compared at
/// once.
@Suite struct CodingDiffTests {
  @Test func codebooksComparedBatchByBatchGiveTheDiffOfEveryUnit() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
    defer { store.close() }
    let reader = try WorkReportReader(
      path: TestPaths.package("Samples/work-reports.csv").path)
    var reports: [WorkReport] = []
    while let report = try reader.next() { reports.append(report) }
    // Three copies of the samples.
    try store.importSource(
      SourceDraft(
        name: "r", path: "r.csv", kind: "reports", contentHash: "h",
        settings: "s"),
      drafts: (0..<3).flatMap { copy in
        reports.map { report in
          UnitDraft(
            id: "\(report.id)-\(copy)", kind: "case", texts: report.texts,
            contentHash: "\(report.id)-\(copy)")
        }
      })

    let path = TestPaths.package("Codebooks/web-outreach.yml").path
    let old = try Codebook.load(path: path)
    // The edit: rashes are no longer minor complications; masks no longer
    // COVID-19.
    let yaml = try String(contentsOfFile: path, encoding: .utf8)
      .replacingOccurrences(of: "              - rash|rashes\n", with: "")
      .replacingOccurrences(
        of: "              - mask|masks|restrictions\n",
        with: "              - restrictions\n")
    let (parsed, diagnostics) = Codebook.parse(yaml: yaml, path: "edited.yml")
    let new = try #require(parsed, "\(diagnostics)")

    // Every unit's codes, compared at once.
    let units = try store.storedUnits()
    func codes(_ codebook: Codebook) -> [String: Set<String>] {
      let coder = AutoCoder(codebook: codebook, codebookPath: "")
      var codes: [String: Set<String>] = [:]
      for unit in units {
        let found = Set(coder.codings(for: unit).map(\.code))
        if !found.isEmpty { codes[unit.id] = found }
      }
      return codes
    }
    // Both ways: units lose codes, then gain them.
    for (before, after) in [(old, new), (new, old)] {
      let whole = CodingDiff(
        old: codes(before), new: codes(after), units: units.map(\.id),
        codeOrder: after.codes.map(\.qualifiedID))
      // Two changes in each copy of the samples.
      #expect(whole.changes.count == 6)
      #expect(whole.frequencies.contains { $0.old != $0.new })
      for batchSize in [1, 100, 2048] {
        let streamed = try CodingDiff.autoCodes(
          old: before, new: after, in: store, batchSize: batchSize)
        #expect(streamed.frequencies == whole.frequencies, "\(batchSize)")
        #expect(streamed.changes == whole.changes, "\(batchSize)")
      }
      let counted = try CodingDiff.autoCodes(
        old: before, new: after, in: store, keepsChanges: false, batchSize: 100)
      #expect(counted.frequencies == whole.frequencies)
      #expect(counted.changes.isEmpty)
    }
  }
}
