package io.keyhold.testkit.conformance;

import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.ttlv.CodecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Replays every vector file under a directory (or one file), in path order, each over a fresh connection
 * so that a file's failure cannot leave state on the connection for the next one.
 */
public final class ConformanceRun {
    /** Opens a connection for one file. */
    @FunctionalInterface
    public interface Connector {
        KmipConnection open(VectorFile file) throws IOException;
    }

    private final VectorReplayer replayer;
    private final Connector connector;
    private final Set<KmipVersion> versions;

    /**
     * @param versions the protocol versions to replay; empty for all
     */
    public ConformanceRun(VectorReplayer replayer, Connector connector, Set<KmipVersion> versions) {
        this.replayer = replayer;
        this.connector = connector;
        this.versions = Set.copyOf(versions);
    }

    /** The XML files under a directory, sorted, or the file itself. */
    public static List<Path> files(Path vectors) throws IOException {
        if (!Files.isDirectory(vectors)) {
            if (!Files.isRegularFile(vectors)) {
                throw new IOException("no vector file or directory at " + vectors);
            }
            return List.of(vectors);
        }
        try (Stream<Path> s = Files.walk(vectors)) {
            return s.filter(p -> p.toString().endsWith(".xml") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    /**
     * @param vectors    a directory or one file
     * @param onEachFile called with each result as soon as it is known
     */
    public List<FileResult> run(Path vectors, Consumer<FileResult> onEachFile) throws IOException {
        Path base = Files.isDirectory(vectors) ? vectors : vectors.getParent() == null ? Path.of(".") : vectors.getParent();
        List<FileResult> results = new ArrayList<>();
        java.util.Map<String, VectorFile> lastOfSeries = new java.util.HashMap<>();
        for (Path file : files(vectors)) {
            String name = base.relativize(file).toString().replace('\\', '/');
            VectorFile vector;
            try {
                vector = VectorFile.read(file, name);
            } catch (CodecException e) {
                KmipVersion sniffed = VectorFile.sniffVersion(file);
                if (!versions.isEmpty() && !versions.contains(sniffed)) {
                    continue;
                }
                FileResult r = new FileResult(name, sniffed, VectorFile.profileOf(file), 0,
                        Optional.of(new Difference("file", "a readable vector", e.getMessage())));
                results.add(r);
                onEachFile.accept(r);
                continue;
            }
            if (!versions.isEmpty() && !versions.contains(vector.version())) {
                continue;
            }
            VectorFile earlier = lastOfSeries.put(vector.series(), vector);
            if (earlier != null && vector.continuesEarlierFile()) {
                vector.inheritRequestTimes(earlier);
            }
            FileResult r;
            try (KmipConnection c = connector.open(vector)) {
                r = replayer.replay(vector, c);
            } catch (IOException e) {
                r = new FileResult(name, vector.version(), vector.profile(), vector.steps(),
                        Optional.of(new Difference("connection", "a connection", e.getMessage())));
            }
            results.add(r);
            onEachFile.accept(r);
        }
        return results;
    }
}
