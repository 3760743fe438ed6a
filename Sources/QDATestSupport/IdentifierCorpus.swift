import Foundation

/// One invented identifier of `Tests/QDAImportTests/Fixtures/identifiers.tsv`,
/// in the sentence it is written in.
public struct IdentifierSample: Sendable {
  /// `phone`, `email`, `handle`, `link` or `card`.
  public var kind: String
  /// The identifier as written.
  public var identifier: String
  /// The sentence, `{}` marking the identifier's place.
  public var sentence: String

  /// The sentence as written.
  public var text: String {
    sentence.replacingOccurrences(of: "{}", with: identifier)
  }

  /// The corpus: phone numbers written every way, e-mail addresses, handles,
  /// Telegram links and card numbers, Russian and international.
  public static let corpus: [IdentifierSample] = {
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
