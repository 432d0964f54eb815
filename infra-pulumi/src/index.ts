// Placeholder: this project is an empty shell until its own issue lands.
export {};
