import ArgumentParser
import QDAStore

/// Options that choose the units a report looks at.
struct UnitFilterOptions: ParsableArguments {
  @Option(
    name: .customLong("source"), help: "Only units of this source (repeatable)."
  )
  var sources: [String] = []

  @Option(
    name: .customLong("kind"),
    help: "Only units of this kind: case or turn (repeatable).")
  var kinds: [String] = []

  /// The filter.
  var filter: UnitFilter { UnitFilter(sources: sources, kinds: kinds) }
}
