import Foundation
import QDAImport
import QDATestSupport
import Testing

/// One identifier of the corpus, in the sentence it is written in.
struct IdentifierSample: Sendable, CustomTestStringConvertible {
  var kind: String
  var identifier: String
  var sentence: String

  /// The sentence as written.
  var text: String { sentence.replacingOccurrences(of: "{}", with: identifier) }
  /// The sentence as it must be stored.
  var redacted: String {
    sentence.replacingOccurrences(of: "{}", with: "[\(kind)]")
      .replacingOccurrences(of: "@second_handle", with: "[handle]")
  }
  var testDescription: String { "\(kind) \(identifier)" }

  /// `Tests/QDAImportTests/Fixtures/identifiers.tsv`: invented phone numbers
  /// written every way, e-mail addresses, handles, Telegram links and card
  /// numbers, Russian and international.
  static let corpus: [IdentifierSample] = {
    let url = TestPaths.package("Tests/QDAImportTests/Fixtures/identifiers.tsv")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap
    {
      let fields = $0.split(separator: "\t", omittingEmptySubsequences: false)
        .map(String.init)
      guard fields.count == 3 else { return nil }
      return IdentifierSample(
        kind: fields[0], identifier: fields[1], sentence: fields[2])
    }
  }()
}

@Suite struct RedactorTests {
  @Test func theCorpusHoldsFiftyIdentifiersOfEveryKind() {
    let corpus = IdentifierSample.corpus
    #expect(corpus.count >= 50)
    for kind in ["phone", "email", "handle", "link", "card"] {
      #expect(corpus.filter { $0.kind == kind }.count >= 5, "\(kind)")
    }
  }

  @Test(arguments: IdentifierSample.corpus)
  func everyIdentifierIsReplacedAndTheRestKept(_ sample: IdentifierSample) {
    let (redacted, counts) = Redactor().redact(sample.text)
    #expect(redacted == sample.redacted)
    #expect(counts.total >= 1)
  }

  @Test func datesCaseNumbersAndAmountsStay() {
    for text in [
      "Встреча 2020-04-15, кейс C017, 12 шприцев, 3 теста.",
      "Called at 23:45 on 15.04.2020; 1 500 рублей на проезд.",
      "Протокол № 12345678 от 01.02.2020.",
      "He asked about vein #3 and 10 mg.",
    ] {
      let (redacted, counts) = Redactor().redact(text)
      #expect(redacted == text)
      #expect(counts.total == 0)
    }
  }
}
