export declare const squareplus: import("../src").DefinedActivation;
