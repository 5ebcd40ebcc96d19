package io.qwen4j.cli;

public final class Main {
    public static void main(String[] args) {
        System.out.println("qwen4j");
    }
}
