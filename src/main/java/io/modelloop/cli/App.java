package io.modelloop.cli;

/** Entry point of java -jar modelloop.jar. */
public final class App {

    private App() {
    }

    public static void main(String[] args) {
        System.exit(ModelLoopCommand.commandLine().execute(args));
    }
}
