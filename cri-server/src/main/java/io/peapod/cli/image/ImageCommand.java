package io.peapod.cli.image;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.image.Image;
import io.peapod.image.ProgressEvent;
import io.peapod.runtime.Engine;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod image}: the image store. */
@Command(name = "image", description = "Manage images.",
        subcommands = {ImageCommand.Ls.class, ImageCommand.Import.class, ImageCommand.Pull.class,
            ImageCommand.Rm.class, ImageCommand.Inspect.class, ImageCommand.Tag.class, ImageCommand.Prune.class})
public final class ImageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "image: give a subcommand (ls, import, pull, "
                + "rm, inspect, tag, prune)");
    }

    @Command(name = "ls", aliases = "list", description = "List images.")
    public static final class Ls implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;
        @Mixin
        Output output;
        @Spec
        CommandSpec command;

        @Override
        public Integer call() {
            List<Image> images;
            try (Engine engine = engineOptions.open()) {
                images = engine.images().list();
            }
            PrintWriter out = command.commandLine().getOut();
            if (output.structured()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Image i : images) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", i.id().toString());
                    m.put("repoTags", i.repoTags());
                    m.put("repoDigests", i.repoDigests());
                    m.put("size", i.size());
                    m.put("created", i.created());
                    rows.add(m);
                }
                output.print(out, rows);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Image i : images) {
                List<String> tags = i.repoTags().isEmpty() ? List.of("<none>:<none>") : i.repoTags();
                for (String t : tags) {
                    int colon = t.lastIndexOf(':');
                    rows.add(List.of(t.substring(0, colon), t.substring(colon + 1), Output.shortId(i.id().toString()),
                            Output.ago(i.created()), Output.bytes(i.size())));
                }
            }
            Output.table(out, List.of("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"), rows);
            return 0;
        }
    }

    @Command(name = "import", aliases = "load", description = "Import an OCI layout or docker save tar.")
    public static final class Import implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "ARCHIVE")
        Path archive;

        @Option(names = "--name", description = "name for images the archive does not name")
        String name;

        @Override
        public Integer call() throws Exception {
            try (Engine engine = engineOptions.open(); InputStream in = new FileInputStream(archive.toFile())) {
                for (Image i : engine.images().importArchive(in, name, e -> { })) {
                    command.commandLine().getOut().println("imported " + String.join(", ", i.repoTags()) + " "
                            + Output.shortId(i.id().toString()));
                }
            } catch (java.io.FileNotFoundException e) {
                throw new io.peapod.runtime.errors.NotFoundException("cannot open archive " + archive + ": "
                        + e.getMessage());
            }
            command.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "pull", description = "Pull an image from a registry.")
    public static final class Pull implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "IMAGE")
        String image;

        @Option(names = {"-q", "--quiet"})
        boolean quiet;

        @Override
        public Integer call() {
            PrintWriter err = command.commandLine().getErr();
            try (Engine engine = engineOptions.open()) {
                Image i = engine.images().pull(image, e -> {
                    if (!quiet && e.kind() == ProgressEvent.Kind.DONE) {
                        synchronized (err) {
                            err.println(e.kind() + " " + e.image());
                            err.flush();
                        }
                    }
                });
                command.commandLine().getOut().println(i.id());
            }
            command.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", description = "Remove images by name, id or digest.")
    public static final class Rm implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;
        @Spec
        CommandSpec command;

        @Option(names = {"-f", "--force"}, description = "even when a container uses it")
        boolean force;

        @Parameters(paramLabel = "IMAGE", arity = "1..*")
        List<String> images;

        @Override
        public Integer call() {
            try (Engine engine = engineOptions.open()) {
                for (String i : images) {
                    for (String removed : engine.images().remove(i, force)) {
                        command.commandLine().getOut().println("removed " + removed);
                    }
                }
            }
            command.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show an image's details.")
    public static final class Inspect implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;
        @Mixin
        Output output;
        @Spec
        CommandSpec command;

        @Parameters(paramLabel = "IMAGE")
        String image;

        @Override
        public Integer call() {
            if (!output.structured()) {
                output.format = Output.Format.json;
            }
            try (Engine engine = engineOptions.open()) {
                output.print(command.commandLine().getOut(), engine.images().inspect(image));
            }
            return 0;
        }
    }

    @Command(name = "tag", description = "Give an image another name.")
    public static final class Tag implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;

        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        @Override
        public Integer call() {
            try (Engine engine = engineOptions.open()) {
                engine.images().tag(source, target);
            }
            return 0;
        }
    }

    @Command(name = "prune", description = "Remove blobs and snapshots nothing references.")
    public static final class Prune implements Callable<Integer> {
        @Mixin
        EngineOptions engineOptions;
        @Spec
        CommandSpec command;

        @Override
        public Integer call() {
            try (Engine engine = engineOptions.open()) {
                command.commandLine().getOut().println("freed " + Output.bytes(engine.images().gc()));
            }
            command.commandLine().getOut().flush();
            return 0;
        }
    }
}
