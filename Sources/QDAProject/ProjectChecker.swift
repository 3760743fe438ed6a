import Foundation
import QDACodebook
import QDAReport
import QDAStore

/// `qda check`: whether the committed outputs are what `qda run` would write
/// now, whether the codebook lints, and whether the quality gates hold.
public struct ProjectChecker {
  /// The project.
  public let runner: ProjectRunner

  /// Creates a checker.
  public init(runner: ProjectRunner) { self.runner = runner }

  /// Every failure, one line each; empty when all is well.
  ///
  /// The project's database is not touched: the run happens on a copy.
  ///
  /// - Throws: Errors that stop the check itself (unreadable inputs).
  public func failures() throws -> [String] {
    var failures: [String] = []
    let (_, diagnostics) = try Codebook.lint(path: runner.codebookPath)
    failures += diagnostics.filter { $0.severity == .error }.map {
      "codebook: \($0)"
    }
    guard failures.isEmpty else { return failures }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "qda-check-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let copy = scratch.appendingPathComponent("qda.sqlite").path
    for suffix in ["", "-wal"]
    where FileManager.default.fileExists(atPath: runner.databasePath + suffix) {
      try FileManager.default.copyItem(
        atPath: runner.databasePath + suffix, toPath: copy + suffix)
    }
    let store = try Store.open(path: copy, create: true)
    defer { store.close() }
    let outcome = try runner.run(on: store, writesOutputs: false)
    for path in outcome.written {
      failures.append(
        "\(path): stale: it differs from what 'qda run' would write now")
    }
    failures += try gateFailures(store)
    return failures
  }

  /// The gates that fail on an up-to-date store.
  func gateFailures(_ store: Store) throws -> [String] {
    guard let gates = runner.file.gates else { return [] }
    var failures: [String] = []
    for gate in gates.agreement ?? [] {
      let report = try AgreementReport(store: store, coders: gate.coders)
      let names = gate.coders.joined(separator: ",")
      for row in report.codes where gate.codes?.contains(row.code) ?? true {
        if let minimum = gate.minKappa {
          if let kappa = row.kappa, kappa >= minimum { continue }
          failures.append(
            "gate agreement \(names): \(row.code) kappa \(row.kappa.map { Self.decimal($0) } ?? "undefined") is below \(Self.decimal(minimum))"
          )
        }
        if let minimum = gate.minAlpha {
          if let alpha = row.alpha, alpha >= minimum { continue }
          failures.append(
            "gate agreement \(names): \(row.code) alpha \(row.alpha.map { Self.decimal($0) } ?? "undefined") is below \(Self.decimal(minimum))"
          )
        }
      }
    }
    if let maximum = gates.maxUncoded {
      let filter = UnitFilter(kinds: gates.uncodedKind.map { [$0] } ?? [])
      let total = try store.unitCounts(filter).first?.units ?? 0
      let uncoded = try store.uncodedUnits(coder: "auto", filter: filter).count
      let share = total == 0 ? 0 : Double(uncoded) / Double(total)
      if share > maximum {
        failures.append(
          "gate max_uncoded: \(uncoded) of \(total) units (\(Self.decimal(share))) have no auto code; the maximum is \(Self.decimal(maximum))"
        )
      }
    }
    if let required = gates.mustOccur {
      let counts = try store.codedCounts(coder: "auto", filter: .init())
      let present = Set(counts.compactMap { $0.units > 0 ? $0.key : nil })
      for code in required where !present.contains(code) {
        failures.append("gate must_occur: \(code) is applied to no unit")
      }
    }
    return failures
  }

  static func decimal(_ value: Double) -> String {
    let scaled = Int((value * 10_000).rounded())
    let fraction = String(abs(scaled) % 10_000)
    return (scaled < 0 ? "-" : "") + String(abs(scaled) / 10_000) + "."
      + String(repeating: "0", count: 4 - fraction.count) + fraction
  }
}
