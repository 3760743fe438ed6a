import Foundation
import QDAAgreement
import QDATestSupport
import Testing

/// Every case of ../shared/conformance/agreement, to 1e-4.
@Suite struct AgreementConformanceTests {
  struct Case: Sendable, CustomStringConvertible {
    var id: String
    var file: String
    var measure: String
    var level: String?
    var weights: String?
    var expected: Double?
    var description: String { id }
  }

  static let directory = TestPaths.conformance("agreement")

  static var cases: [Case] {
    guard
      let data = try? Data(
        contentsOf: directory.appendingPathComponent("expected.json")),
      let json = try? JSONSerialization.jsonObject(with: data)
        as? [String: Any],
      let cases = json["cases"] as? [[String: Any]]
    else { return [] }
    var seen = Set<String>()
    return cases.compactMap { item in
      guard let id = item["id"] as? String, seen.insert(id).inserted else {
        return nil
      }
      return Case(
        id: id, file: item["file"] as? String ?? "",
        measure: item["measure"] as? String ?? "",
        level: item["level"] as? String, weights: item["weights"] as? String,
        expected: (item["computed"] as? NSNumber)?.doubleValue)
    }
  }

  /// Reads a CSV of the fixtures: rows of cells, header first.
  static func rows(_ file: String) throws -> [[String]] {
    let text = try String(
      contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    return text.split(whereSeparator: \.isNewline).map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
    }
  }

  @Test func everyMeasureIsCovered() {
    #expect(Self.cases.count == 24)
    #expect(
      Set(Self.cases.map(\.measure)) == [
        "krippendorff_alpha", "cohen_kappa", "fleiss_kappa",
      ])
  }

  @Test(arguments: cases) func reproducesTheExpectedValue(_ item: Case) throws {
    let rows = try Self.rows(item.file)
    let value: Double?
    switch item.measure {
    case "krippendorff_alpha":
      let data = rows.dropFirst().map { row in
        row.dropFirst().map { $0.isEmpty ? nil : $0 }
      }
      let level = try #require(
        Agreement.Level(rawValue: item.level ?? "nominal"))
      value = Agreement.krippendorffAlpha(Array(data), level: level)
    case "cohen_kappa":
      let weights = try #require(
        Agreement.Weights(rawValue: item.weights ?? "none"))
      if item.file.hasPrefix("kappa_irr_anxiety") {
        // Paired ratings; the expected value is for raters 2 and 3.
        let pairs = rows.dropFirst().compactMap { row in
          Int(row[2]).flatMap { a in Int(row[3]).map { (a, $0) } }
        }
        value = Agreement.cohenKappa(
          pairs.map(\.0), pairs.map(\.1), weights: weights)
      } else {
        let table = rows.dropFirst().map {
          $0.dropFirst().map { Double($0) ?? 0 }
        }
        value = Agreement.cohenKappa(table: Array(table), weights: weights)
      }
    case "fleiss_kappa":
      if item.file.contains("counts") {
        value = Agreement.fleissKappa(
          counts: rows.dropFirst().map { $0.dropFirst().map { Int($0) ?? 0 } })
      } else {
        value = Agreement.fleissKappa(
          ratings: rows.dropFirst().map { Array($0.dropFirst()) })
      }
    default:
      Issue.record("unknown measure \(item.measure)")
      return
    }
    if let expected = item.expected {
      let actual = try #require(
        value, "\(item.id) is undefined, expected \(expected)")
      #expect(
        abs(actual - expected) <= 1e-4, "\(item.id): \(actual) vs \(expected)")
    } else {
      #expect(value == nil, "\(item.id) must be undefined")
    }
  }

  @Test func percentAgreementAndUndefinedCases() {
    #expect(
      Agreement.percentAgreement([["a", "b", "c"], ["a", "b", "d"]]) == 2.0
        / 3.0)
    #expect(Agreement.percentAgreement([["a", nil], [nil, "b"]]) == nil)
    #expect(Agreement.cohenKappa(["x", "x"], ["x", "x"]) == nil)
    #expect(Agreement.fleissKappa(counts: [[3, 0], [3, 0]]) == nil)
    #expect(
      Agreement.krippendorffAlpha([["1", "2"], ["1", "2"]], level: .interval)
        == 1)
    #expect(
      Agreement.krippendorffAlpha([["a"], ["b"]], level: .interval) == nil)
  }
}
