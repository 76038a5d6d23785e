package io.keyhold.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.spec.KmipVersion;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConformanceReportTest {
    private static final List<FileResult> RESULTS = List.of(
            new FileResult("v1.4/SKFF-M-1-14.xml", KmipVersion.V1_4, "SKFF", 2, Optional.empty()),
            new FileResult("v1.4/SKFF-M-2-14.xml", KmipVersion.V1_4, "SKFF", 2,
                    Optional.of(new Difference("message 2 / ResponseMessage / BatchItem / ResultReason", "ItemNotFound",
                            "PermissionDenied"))),
            new FileResult("v2.1/TL-M-1-21.xml", KmipVersion.V2_1, "TL", 1, Optional.empty()));

    @Test
    void summary_countsPassedAndFailed() {
        assertThat(ConformanceReport.summary(RESULTS)).isEqualTo("2 passed, 1 failed");
    }

    @Test
    void markdown_tablesPassesByProfileAndVersion_andNamesTheFirstDifference() {
        String md = ConformanceReport.markdown(RESULTS);
        assertThat(md).contains("| profile | 1.4 | 2.1 | all |", "| SKFF | 1/2 |  | 1/2 |", "| TL |  | 1/1 | 1/1 |",
                "| **all** | 1/2 | 1/1 | 2/3 |");
        assertThat(md).contains("- `v1.4/SKFF-M-2-14.xml` at `message 2 / ResponseMessage / BatchItem / ResultReason`: "
                + "expected `ItemNotFound`, got `PermissionDenied`");
        assertThat(md).doesNotContain("SKFF-M-1-14.xml` at");
    }

    @Test
    void line_isOneLinePerFile() {
        assertThat(RESULTS.get(0).line()).isEqualTo("PASS v1.4/SKFF-M-1-14.xml");
        assertThat(RESULTS.get(1).line()).isEqualTo("FAIL v1.4/SKFF-M-2-14.xml: message 2 / ResponseMessage / BatchItem / "
                + "ResultReason: expected ItemNotFound, got PermissionDenied");
    }
}
