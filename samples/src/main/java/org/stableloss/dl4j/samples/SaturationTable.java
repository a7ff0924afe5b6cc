package org.stableloss.dl4j.samples;

import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.stableloss.dl4j.LossSkipGram;

/**
 * Prints, as a markdown table, the loss and gradient of a positive pair (label 1) at extreme logits in FLOAT for
 * DL4J's LossBinaryXENT (sigmoid; default clipEps 1e-5, and 0), LossSkipGram's clamped mode (eps 1e-4) and
 * LossSkipGram, next to the true values computed in double. Run: {@code samples/run.sh SaturationTable}.
 */
public final class SaturationTable {

    private SaturationTable() {
    }

    /**
     * Prints the table to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        double[] logits = {-100, -30, -17, -10, 17, 100};
        INDArray x = Nd4j.createFromArray(logits).reshape(logits.length, 1).castTo(DataType.FLOAT);
        INDArray y = Nd4j.ones(DataType.FLOAT, logits.length, 1);
        StringBuilder header = new StringBuilder("| x, y=1 |");
        StringBuilder rule = new StringBuilder("|---|");
        for (double v : logits) {
            header.append(' ').append((long) v).append(" |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        StringBuilder trueLoss = new StringBuilder("| true loss |");
        StringBuilder trueGrad = new StringBuilder("| true gradient |");
        for (double v : logits) {
            trueLoss.append(' ').append(fmt(Math.max(-v, 0) + Math.log1p(Math.exp(-Math.abs(v))))).append(" |");
            trueGrad.append(' ').append(fmt(-(v >= 0 ? Math.exp(-v) / (1 + Math.exp(-v)) : 1 / (1 + Math.exp(v)))))
                    .append(" |");
        }
        System.out.println(trueLoss);
        row("LossBinaryXENT", new LossBinaryXENT(), true, x, y);
        row("LossBinaryXENT(0.0)", new LossBinaryXENT(0.0), true, x, y);
        row("LossSkipGram clamped(1e-4)", LossSkipGram.builder().clamped(1e-4).build(), false, x, y);
        row("LossSkipGram (exact)", new LossSkipGram(), false, x, y);
        System.out.println(trueGrad);
    }

    private static void row(String name, ILossFunction loss, boolean sigmoid, INDArray x, INDArray y) {
        var activation = sigmoid ? new ActivationSigmoid() : new ActivationIdentity();
        INDArray scores = loss.computeScoreArray(y, x, activation, null);
        INDArray grads = loss.computeGradient(y, x.dup(), activation, null);
        StringBuilder l = new StringBuilder("| " + name + " loss |");
        StringBuilder g = new StringBuilder("| " + name + " gradient |");
        for (int i = 0; i < x.rows(); i++) {
            l.append(' ').append(fmt(scores.getDouble(i, 0))).append(" |");
            g.append(' ').append(fmt(grads.getDouble(i, 0))).append(" |");
        }
        System.out.println(l);
        System.out.println(g);
    }

    private static String fmt(double v) {
        if (v == 0) {
            return "0";
        }
        return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String.format("%.6g", v) : String.format("%.3e", v);
    }
}
