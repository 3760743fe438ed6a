import Foundation
import FuzzSupport
import QDACodebook
import QDACoding
import QDAImport
import QDAProject
import QDAStore

/// Work-report CSV imported into a new database and coded with the study's
/// codebook, as `qda import reports` and `qda code auto` do.
///
/// A finding is a crash; counts served from the tally that `code auto`
/// keeps differing from counting the codings (a filter naming the one
/// source reads past the tally); a second run that codes again although
/// nothing changed; or a forced run that codes otherwise.
let (codebook, codebookPath): (Codebook, String) = {
  let root = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
  let path = "/\(root)/Codebooks/web-outreach.yml"
  do {
    return (try Codebook.load(path: path), path)
  } catch {
    fatalError("the study's codebook does not load: \(error)")
  }
}()

let folder = NSTemporaryDirectory() + "qda-fuzz-coding-\(getpid())/"

/// The groupings `freq` and the report count by; `site` is no column of
/// the samples, so its one group holds every unit, unless the input has it.
let groupings: [UnitGrouping] = [
  .none, .month, .attribute("channel"), .attribute("site"),
]

/// Every count: units and `auto` codings per grouping, through `filter`.
func counts(_ store: Store, _ filter: UnitFilter) throws -> [[GroupCount]] {
  try groupings.flatMap { grouping in
    [
      try store.unitCounts(filter, grouping: grouping),
      try store.codedCounts(coder: "auto", filter: filter, grouping: grouping),
    ]
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCoding(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  let input = InputFile.write(start, count, extension: "csv")
  try? FileManager.default.createDirectory(
    atPath: folder, withIntermediateDirectories: true)
  let path = folder + "coded.sqlite"
  for suffix in ["", "-wal", "-shm", "-journal"] {
    try? FileManager.default.removeItem(atPath: path + suffix)
  }
  guard let store = try? Store.open(path: path, create: true) else {
    fatalError("cannot make a database in \(folder)")
  }
  defer { store.close() }
  guard
    (try? DataImport.reports(
      path: input, options: ReportReadOptions(), source: "fuzz", store: store))
      != nil
  else { return 0 }
  let coder = AutoCoder(codebook: codebook, codebookPath: codebookPath)
  do {
    let first = try coder.run(on: store)
    let tallied = try counts(store, UnitFilter())
    let counted = try counts(store, UnitFilter(sources: ["fuzz"]))
    guard tallied == counted else {
      fatalError("the tally gives \(tallied), counting gives \(counted)")
    }
    let again = try coder.run(on: store)
    guard again.isUnchanged else {
      fatalError("a second run with nothing changed coded again")
    }
    let forced = try coder.run(on: store, force: true)
    guard forced.codes.map(\.units) == first.codes.map(\.units),
      try counts(store, UnitFilter()) == tallied
    else {
      fatalError(
        "a forced run coded otherwise: \(forced.codes), \(first.codes)")
    }
  } catch {
    fatalError("coding an imported database failed: \(error)")
  }
  return 0
}
