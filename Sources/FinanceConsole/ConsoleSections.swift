import Foundation
import ReconcilerCore
import WireFormat

/// The names of every discrepancy kind, for the filter.
enum ReconcilerCoreKinds {
    static let names = DiscrepancyKind.allCases.map(\.rawValue)
}

/// The console's standard sections over ``ConsoleData``: the overview, the runs with their
/// reports, and the discrepancies with resolve and ignore.
///
/// The plans section plugs in beside them: a ``ConsoleSection`` titled "Plans" with
/// `ConsoleRoute("GET", "/plans")`, `ConsoleRoute("GET", "/plans/{id}")` and
/// `ConsoleRoute("POST", "/plans/{id}/approve", role: .approver)`, its form made by
/// ``ConsolePages/postForm(action:token:hidden:fields:buttons:)`` with `request.token`. The
/// application checks the user, the role and the token before a route runs; the route calls the
/// same store method as `credit-reconciler plan approve` with `request.user` as `--by`.
public enum ConsoleSections {
    /// How many discrepancies a list shows at most.
    public static let listLimit = 500

    /// The overview, runs and discrepancies sections.
    public static func standard(data: any ConsoleData) -> [ConsoleSection] {
        [
            ConsoleSection(
                title: "Overview", path: "/",
                routes: [
                    ConsoleRoute("GET", "/") { _ in
                        guard let counts = try? data.openCounts(), let runs = try? data.runs(limit: 10) else {
                            return unavailable()
                        }
                        return .page(
                            status: 200, title: "Overview", body: ConsolePages.overview(counts: counts, runs: runs))
                    }
                ]),
            ConsoleSection(
                title: "Runs", path: "/runs",
                routes: [
                    ConsoleRoute("GET", "/runs") { _ in
                        do {
                            return .page(
                                status: 200, title: "Runs", body: ConsolePages.runTable(try data.runs(limit: 100)))
                        } catch {
                            return failure(error)
                        }
                    },
                    ConsoleRoute("GET", "/runs/{id}") { request in
                        do {
                            guard let run = try data.run(id: request.id) else { return notFound("run") }
                            let hasReport = run.status != "running"
                            return .page(
                                status: 200, title: "Run #\(run.id)", body: ConsolePages.run(run, hasReport: hasReport))
                        } catch {
                            return failure(error)
                        }
                    },
                    ConsoleRoute("GET", "/runs/{id}/report") { request in
                        do {
                            guard let html = try data.reportHTML(runId: request.id) else { return notFound("report") }
                            return .document(html: html, styleHashes: styleHashes(html))
                        } catch {
                            return failure(error)
                        }
                    },
                    ConsoleRoute("GET", "/runs/{id}/report.csv") { request in
                        do {
                            guard let csv = try data.reportCSV(runId: request.id) else { return notFound("report") }
                            return .download(
                                contentType: "text/csv; charset=utf-8", fileName: "run-\(request.id).csv",
                                body: Array(csv.utf8))
                        } catch {
                            return failure(error)
                        }
                    },
                ]),
            ConsoleSection(
                title: "Discrepancies", path: "/discrepancies",
                routes: [
                    ConsoleRoute("GET", "/discrepancies") { request in
                        let filter = DiscrepancyFilter(query: request.http.query)
                        do {
                            let items = try data.discrepancies(filter, limit: listLimit)
                            let notice = request.http.query["done"].flatMap { done -> String? in
                                guard let id = Int64(done) else { return nil }
                                return
                                    "Discrepancy #\(id) is \(request.http.query["as"] == "ignored" ? "ignored" : "resolved")."
                            }
                            return .page(
                                status: 200, title: "Discrepancies",
                                body: ConsolePages.discrepancies(
                                    items, filter: filter, canEdit: request.roles.contains(.editor),
                                    token: request.token, limit: listLimit, notice: notice))
                        } catch {
                            return failure(error)
                        }
                    },
                    ConsoleRoute("POST", "/discrepancies/{id}/resolve", role: .editor) { request in
                        let note = (request.form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                        guard !note.isEmpty, note.count <= 2000 else {
                            return .page(
                                status: 400, title: "A note is needed",
                                body: ConsolePages.refusal(
                                    "",
                                    "Say in the note why the discrepancy is settled (at most 2000 characters); nothing was changed."
                                ))
                        }
                        let ignore = request.form["action"] == "ignore"
                        do {
                            try data.resolve(id: request.id, note: note, by: request.user, ignore: ignore)
                        } catch {
                            return failure(error)
                        }
                        let back = DiscrepancyFilter(query: formQuery(request.form["back"] ?? "")).query
                        return .redirect(
                            "/discrepancies?\(back)&done=\(request.id)&as=\(ignore ? "ignored" : "resolved")")
                    },
                ]),
        ]
    }

    /// The query fields of `text` (a filter's query string carried in a form).
    static func formQuery(_ text: String) -> [String: String] {
        ConsoleApp.formFields(Array(text.utf8)) ?? [:]
    }

    /// The `style-src` hashes of the `<style>` elements of `html` (the run report's own styles).
    static func styleHashes(_ html: String) -> [String] {
        var hashes: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<style>"), let close = rest[open.upperBound...].range(of: "</style>") {
            var hash = SHA256()
            hash.update(Array(rest[open.upperBound..<close.lowerBound].utf8))
            hashes.append(Data(hash.finalize()).base64EncodedString())
            rest = rest[close.upperBound...]
        }
        return hashes
    }

    static func notFound(_ what: String) -> ConsoleResponse {
        .page(status: 404, title: "Not found", body: ConsolePages.refusal("", "There is no such \(what)."))
    }

    static func unavailable() -> ConsoleResponse {
        .page(
            status: 503, title: "Unavailable",
            body: ConsolePages.refusal("", "The database is not reachable right now; try again in a minute."))
    }

    static func failure(_ error: any Error) -> ConsoleResponse {
        let error = error as? ConsoleDataError ?? ConsoleDataError(status: 500, "\(error)")
        return .page(
            status: error.status, title: error.status == 503 ? "Unavailable" : "Not done",
            body: ConsolePages.refusal("", error.description))
    }
}
