package io.peapod.cli.system;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peapod completion}: a bash/zsh completion script; {@code source <(peapod completion)}. */
@Command(name = "completion", description = "Print a bash (and zsh) completion script for peapod.")
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        var root = command.commandLine().getParent();
        command.commandLine().getOut().print(AutoComplete.bash("peapod", root));
        command.commandLine().getOut().flush();
        return 0;
    }
}
