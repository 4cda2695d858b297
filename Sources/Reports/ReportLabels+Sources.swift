extension ReportLabels {
    /// One sentence on the run's sources in this locale: whether PortOne's journal of payment
    /// events was read (and what it found beyond the status scan) or why it was not.
    public func sources(_ sources: RunReport.Sources) -> String {
        let events = ReportNumber.grouped(Int64(sources.eventsRead))
        let revealed = ReportNumber.grouped(Int64(sources.paymentsRevealed))
        switch (sources.eventsFeed, korean) {
        case (.read, true):
            return "PortOne 결제 이벤트 기록: 읽음 (이벤트 \(events)건, 상태 변경 조회에 없던 결제 \(revealed)건)"
        case (.read, false):
            return
                "PortOne's journal of payment events: read (\(events) events, \(revealed) payments the status scan did not return)"
        case (.unavailable(let reason), true):
            return "PortOne 결제 이벤트 기록: 읽지 못함 — 상태 변경 조회만으로 대사했습니다 (이유: \(reason))"
        case (.unavailable(let reason), false):
            return
                "PortOne's journal of payment events: unavailable — reconciled by the status scan alone (reason: \(reason))"
        }
    }
}
